// The report dialog (§4.2, §4.3; issue 15 and 16): it says what is reported and who will receive the report
// (and, in a 1:1, that the reporter's name is shown), and asks for the category and what is wrong.

import { post } from "./api";
import { attempt, h } from "./dom";
import { modal } from "./menu";
import type { Conversation, Message } from "./types";

export const CATEGORIES: Record<string, string> = {
  bullying: "Bullying",
  inappropriate_content: "Inappropriate content",
  self_harm: "Someone may hurt themself (self-harm concern)",
  other: "Something else",
};

/** Who a report goes to (`moderation.queries.route_report`), said for the kind of conversation. */
function recipients(c: Conversation): string {
  const lead = "and to the school's safeguarding lead";
  if (c.kind === "course" || c.kind === "project") return `Your report goes to the teachers of ${c.name} ${lead}. Your name is not shown to them.`;
  if (c.kind === "direct") return `Your report goes to a teacher you and ${c.name} both have (or else the school's administrators) ${lead}. In a 1:1 conversation your name is shown to them.`;
  return `Your report goes to the teachers you share with the people in this conversation (or else the school's administrators) ${lead}. Your name is not shown to them.`;
}

const EXCERPT = 200;

/** Ask what is wrong and send the report of the message ``m`` (or of the whole group conversation ``c``). */
export async function reportDialog(c: Conversation, m: Message | null): Promise<void> {
  const category = h("select", { id: "report-category", required: true },
    ...Object.entries(CATEGORIES).map(([value, label]) => h("option", { value, selected: value === "other" }, label)));
  const reason = h("textarea", { id: "dialog-field", required: true, rows: 4 });
  const text = (m?.body ?? "").length > EXCERPT ? `${m?.body?.slice(0, EXCERPT)}…` : m?.body ?? "";
  const what = m
    ? h("p", { class: "reported-message" }, "You are reporting this message from ", h("strong", {}, m.sender.name), ": ", h("q", {}, text))
    : h("p", { class: "reported-message" }, "You are reporting the conversation ", h("strong", {}, c.name), ".");
  const dialog = await modal("Report abuse", [what, h("p", { class: "report-recipients" }, recipients(c)),
    h("label", { for: "report-category" }, "What kind of problem is it?"), category,
    h("label", { for: "dialog-field" }, m ? "What is wrong with this message?" : "What is wrong in this conversation?"), reason,
    h("p", { class: "detail" }, "If someone may hurt themself, the safeguarding lead is told at once.")], "Send report", false);
  if (!dialog) return;
  const url = m ? `/api/messages/${m.id}/report` : `/api/conversations/${c.id}/report`;
  await attempt(() => post(url, { reason: reason.value.trim(), category: category.value }), "Thank you. Your report was sent for review.");
}
