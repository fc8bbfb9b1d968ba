// §6.5 Mass messaging: one-way messages to everyone with the chosen roles in the chosen parts of the hierarchy.

import { get, newClientId, post } from "./api";
import { attempt, h, replace, timeLabel } from "./dom";
import { orgKindLabel, roleLabel, t, type Key } from "./i18n";
import { fetchReadBy, showReadBy } from "./reads";
import type { HistoryPage, MassJob as Job, MassTargets as Targets } from "./types";


const ROLE_LABEL: Record<string, Key> = { student: "mass.students", teacher: "mass.teachers", admin: "mass.admins" };

function jobLine(job: Job): HTMLElement {
  const state = job.status === "done"
    ? t(job.skipped_disabled ? "mass.delivered_skipped" : "mass.delivered", { delivered: job.delivered, count: job.total, skipped: job.skipped_disabled })
    : job.status === "failed" ? t("mass.failed", { error: job.error ?? t("mass.unknown_error") }) : t("mass.sending", { percent: Math.round(job.progress * 100) });
  const text = h("blockquote", { class: "mass-text" });
  const line = h("li", { "data-job": job.id }, timeLabel(job.created_at), " ", state,
    job.status === "running" || job.status === "queued" ? h("progress", { max: 1, value: job.progress, "aria-label": t("mass.progress") }) : null,
    text);
  void showText(text, job);
  if (job.status === "done") void readBy(line, job);
  return line;
}

/** The message itself, as its conversation holds it now (a deleted one shows its notice): the mass conversation
 * has this one message. */
async function showText(text: HTMLElement, job: Job): Promise<void> {
  const page = await get<HistoryPage>(`/api/conversations/${job.conversation_id}/messages?limit=1`).catch(() => null);
  const message = page?.messages.find((m) => m.id === job.message_id);
  if (message) text.textContent = message.deleted?.notice ?? message.body ?? "";
}

/** "Read by X of Y" for a delivered mass message: one count, asked for each message the list shows. */
async function readBy(line: HTMLElement, job: Job): Promise<void> {
  const count = await fetchReadBy(job.conversation_id, job.message_id).catch(() => null);
  if (count) showReadBy(line, count, job.conversation_id, job.message_id);
}

export async function massMessagingPage(main: HTMLElement, openConversation: (id: number) => void): Promise<void> {
  const [targets, jobs] = await Promise.all([get<Targets>("/api/mass-messages/targets"), get<Job[]>("/api/mass-messages")]);
  const orgBoxes = targets.orgs.map((o) => h("label", { class: "radio" }, h("input", { type: "checkbox", value: String(o.id) }), ` ${t("admin.org_option", { name: o.name, kind: orgKindLabel(o.kind) })}`));
  const roleBoxes = targets.roles.map((r) => h("label", { class: "radio" }, h("input", { type: "checkbox", value: r, checked: r === "student" }), ` ${ROLE_LABEL[r] ? t(ROLE_LABEL[r]) : roleLabel(r)}`));
  const body = h("textarea", { id: "mass-body", rows: 5, required: true });
  const history = h("ul", { class: "jobs", "aria-label": t("mass.sent_list"), "aria-live": "polite" }, ...jobs.map(jobLine));
  let latest: Job | undefined = jobs[0];
  const checked = (boxes: HTMLElement[]): string[] => boxes.map((b) => b.querySelector("input")!).filter((i) => i.checked).map((i) => i.value);

  const follow = async (job: Job): Promise<void> => {
    while (job.status === "queued" || job.status === "running") {
      await new Promise((resolve) => window.setTimeout(resolve, 1000));
      job = await get<Job>(`/api/mass-messages/${job.id}`);
      history.querySelector(`[data-job="${job.id}"]`)?.replaceWith(jobLine(job));
    }
  };

  const send = async (e: Event): Promise<void> => {
    e.preventDefault();
    let job: Job | null = null;
    const ok = await attempt(async () => {
      job = await post<Job>("/api/mass-messages", {
        org_ids: checked(orgBoxes).map(Number), roles: checked(roleBoxes), body: body.value.trim(), client_message_id: newClientId(),
      });
    }, t("mass.accepted"));
    if (ok && job) {
      body.value = "";
      latest = job;
      history.prepend(jobLine(job));
      void follow(job);
    }
  };

  replace(main, h("h1", {}, t("menu.mass")),
    h("p", {}, t("mass.intro")),
    h("form", { class: "card", onsubmit: send },
      h("fieldset", { class: "choice" }, h("legend", {}, t("mass.send_to")), ...orgBoxes),
      h("fieldset", { class: "choice" }, h("legend", {}, t("mass.with_role")), ...roleBoxes),
      h("label", { for: "mass-body" }, t("message.edit_label")), body,
      h("div", { class: "actions" },
        h("button", { type: "submit", class: "button primary" }, t("mass.send")))),
    h("section", { class: "card" }, h("h2", {}, t("mass.sent")), history,
      h("button", { type: "button", class: "link-button", onclick: () => latest && openConversation(latest.conversation_id) }, t("mass.open_latest"))));
  jobs.filter((j) => j.status === "queued" || j.status === "running").forEach((j) => void follow(j));
}
