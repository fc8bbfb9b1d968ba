// The report dialog (§4.2, §4.3; issue 15 and 16): it says what is reported and who will receive the report
// (and, in a 1:1, that the reporter's name is shown), and asks for the category and what is wrong.

import { post } from "./api";
import { attempt, h } from "./dom";
import { modal } from "./menu";
import { t, type Key } from "./i18n";
import type { Conversation, Message } from "./types";

export const CATEGORIES: Record<string, Key> = {
  bullying: "report.category_bullying",
  inappropriate_content: "report.category_inappropriate_content",
  self_harm: "report.category_self_harm",
  other: "report.category_other",
};

/** Who a report goes to (`moderation.queries.route_report`), said for the kind of conversation. */
function recipients(c: Conversation): string {
  if (c.kind === "course" || c.kind === "project") return t("report.to_space", { name: c.name });
  if (c.kind === "direct") return t("report.to_direct", { name: c.name });
  return t("report.to_group");
}

const EXCERPT = 200;

/** Ask what is wrong and send the report of the message ``m`` (or of the whole group conversation ``c``). */
export async function reportDialog(c: Conversation, m: Message | null): Promise<void> {
  const category = h("select", { id: "report-category", required: true },
    ...Object.entries(CATEGORIES).map(([value, label]) => h("option", { value, selected: value === "other" }, t(label))));
  const reason = h("textarea", { id: "dialog-field", required: true, rows: 4 });
  const text = (m?.body ?? "").length > EXCERPT ? `${m?.body?.slice(0, EXCERPT)}…` : m?.body ?? "";
  const what = m
    ? h("p", { class: "reported-message" }, t("report.reporting_message"), h("strong", {}, m.sender.name), ": ", h("q", {}, text))
    : h("p", { class: "reported-message" }, t("report.reporting_conversation"), h("strong", {}, c.name), ".");
  const dialog = await modal(t("message.report"), [what, h("p", { class: "report-recipients" }, recipients(c)),
    h("label", { for: "report-category" }, t("report.category_question")), category,
    h("label", { for: "dialog-field" }, m ? t("message.report_question") : t("settings.report_question")), reason,
    h("p", { class: "detail" }, t("report.self_harm_hint"))], t("report.send"), false);
  if (!dialog) return;
  const url = m ? `/api/messages/${m.id}/report` : `/api/conversations/${c.id}/report`;
  await attempt(() => post(url, { reason: reason.value.trim(), category: category.value }), t("report.sent"));
}
