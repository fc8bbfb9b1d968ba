// The platform's main area beside the panel: the teacher's report inbox and the admin's tools (§2, §6.4, §7.1).

import { del, get, patch, post, put } from "./api";
import { announce, attachmentList, attempt, h, replace, timeLabel } from "./dom";
import { LANGUAGES, languageName, orgKindLabel, roleLabel, t, type Key, type Language } from "./i18n";
import { schoolNotificationsForm } from "./notifications";
import { CATEGORIES } from "./report";
import { rosterCard } from "./roster";
import { platformsCard } from "./lti";
import { erasePerson, retentionCard, startExport } from "./privacy";
import { participantList } from "./settings";
import { identityProviderForm } from "./sso";
import type { AdminPeoplePage, AdminPerson, Conversation, Lead, Message, Org, Participants, Report, ReportPage, Rule, SchoolSettings, Space } from "./types";


const SCOPES: Record<string, Key> = {
  nobody: "rules.nobody", shared_space: "rules.shared_space", same_school: "rules.same_school", anyone: "rules.anyone",
};
const SOURCES: Record<string, Key> = { "this org": "rules.source_own", inherited: "rules.source_inherited", default: "rules.source_default" };  // i18n-exempt: the server's names of where a rule comes from
const REPORT_STATUS: Record<Report["status"], Key> = { open: "reports.status_open", reviewed: "reports.status_reviewed", dismissed: "reports.status_dismissed", escalated: "reports.status_escalated" };

/** The report inbox: open a report to join its conversation as a moderator, then review or dismiss it. */
export async function reportsPage(main: HTMLElement, openConversation: (id: number) => void): Promise<void> {
  const list = h("ol", { class: "reports", "aria-label": t("menu.reports") });
  const history = h("section", { class: "pupil-history", "aria-live": "polite" });
  replace(main, h("h1", {}, t("reports.title")), h("p", {}, t("reports.intro")), history, list);
  const { reports, safeguarding_lead } = await get<ReportPage>("/api/reports");
  if (!reports.length) return replace(list, h("li", { class: "empty" }, t("reports.none")));
  const reload = (): void => void reportsPage(main, openConversation);
  // The safeguarding lead reads a pupil's reports across courses, above the inbox (issue 16).
  const showHistory = async (pupil: { id: number; name: string }): Promise<void> => {
    let page: ReportPage;
    try {
      page = await get<ReportPage>(`/api/safeguarding/pupils/${pupil.id}/reports`);
    } catch (e) {
      return announce((e as Error).message, "error");
    }
    replace(history, h("h2", {}, t("reports.about", { name: pupil.name, count: page.reports.length })),
      h("ol", { class: "reports" }, ...page.reports.map((r) => reportCard(r, openConversation, reload, null))));
    history.querySelector("h2")?.setAttribute("tabindex", "-1");
    (history.querySelector("h2") as HTMLElement | null)?.focus();
  };
  replace(list, ...reports.map((r) => reportCard(r, openConversation, reload, safeguarding_lead ? showHistory : null)));
}

/** A 1:1 has no name of its own: its report is titled by its two people (issue 15: it read "null"). */
function reportTitle(r: Report, reportedSender: string | undefined): string {
  if (r.evidence.conversation.kind !== "direct") return r.evidence.conversation.name ?? t("reports.conversation");
  const people = [r.reporter?.name, reportedSender].filter((n): n is string => Boolean(n));
  return t("reports.direct_title", { names: people.join(t("reports.and")) });
}

/** The reported message's earlier texts, with when each was written and replaced (frozen with the report). */
function editHistory(m: Message): HTMLElement | null {
  if (!m.versions?.length) return null;
  return h("details", { class: "edit-history" },
    h("summary", {}, t("reports.versions", { count: m.versions.length })),
    h("ol", {}, ...m.versions.map((v) => h("li", {}, timeLabel(v.written_at), " ", h("q", {}, v.body), " — ", t("reports.replaced"), " ", timeLabel(v.replaced_at)))));
}

function reportCard(r: Report, openConversation: (id: number) => void, reload: () => void,
  showHistory: ((pupil: { id: number; name: string }) => Promise<void>) | null): HTMLElement {
  const reported = r.evidence.messages.find((m) => m.seq === r.evidence.reported_seq);
  const around = r.evidence.messages.filter((m) => m !== reported);
  // A frozen message as it was reported, with its files: they download through the report, which keeps them for
  // its reviewers even after the message was deleted — and then says so (`kept_as_evidence`).
  const frozen = (m: Message): (Node | string | null)[] => [h("strong", {}, `${m.sender.name}: `), m.body ?? m.deleted?.notice ?? "",
    attachmentList(m.attachments, (a) => `/api/reports/${r.id}/attachments/${a.id}`),
    m.kept_as_evidence ? h("p", { class: "detail kept-as-evidence" }, m.kept_as_evidence) : null];
  const review = (status: "reviewed" | "dismissed") => async (): Promise<void> => {
    if (await attempt(() => post(`/api/reports/${r.id}/review`, { status, note: "" }), status === "reviewed" ? t("reports.reviewed") : t("reports.dismissed"))) reload();
  };
  // §5.7 note: a deleted course or project conversation that was reported is restored from the report. The server
  // refuses (409) while a newer conversation of the course is in use; its message is shown beside the button.
  const deleted = r.conversation_status === "deleted";
  const restoreError = h("p", { class: "error", role: "alert" });
  const restore = async (): Promise<void> => {
    restoreError.textContent = "";
    try {
      await post(`/api/reports/${r.id}/restore`);
    } catch (e) {
      restoreError.textContent = (e as Error).message;
      return;
    }
    announce(t("reports.restored"));
    reload();
  };
  const escalateNote = h("textarea", { id: `escalate-note-${r.id}`, rows: 2 });
  const escalate = async (): Promise<void> => {
    if (await attempt(() => post(`/api/reports/${r.id}/escalate`, { note: escalateNote.value.trim() }), t("reports.escalated_toast"))) reload();
  };
  const open = r.status === "open" || r.status === "escalated";
  return h("li", { class: `report card status-${r.status}` },
    h("h2", {}, reportTitle(r, reported?.sender.name), " ", h("span", { class: "tag" }, t(REPORT_STATUS[r.status]))),
    h("p", { class: "detail" }, t("reports.reported"), " ", timeLabel(r.created_at), " ", r.reporter ? t("reports.by", { name: r.reporter.name }) : t("reports.anonymously")),
    h("p", { class: `category category-${r.category}` }, h("strong", {}, t("reports.category")), CATEGORIES[r.category] ? t(CATEGORIES[r.category]) : r.category),
    r.escalation ? h("p", { class: "escalation" }, h("strong", {}, t("reports.escalated")), timeLabel(r.escalation.at), `: ${r.escalation.note}`) : null,
    deleted ? h("p", { class: "detail" }, t("reports.deleted")) : null,
    h("p", {}, h("strong", {}, t("reports.reason")), r.reason),
    reported ? h("blockquote", {}, ...frozen(reported)) : null,
    reported ? editHistory(reported) : null,
    around.length ? h("details", { class: "evidence", open: !reported },
      h("summary", {}, reported ? t("reports.around", { count: around.length }) : t("reports.newest", { count: around.length })),
      h("ol", { class: "evidence-messages" }, ...around.map((m) => h("li", {}, timeLabel(m.created_at), " ", ...frozen(m))))) : null,
    h("div", { class: "actions" },
      h("button", { type: "button", class: "button primary", onclick: async () => {
        if (await attempt(() => post(`/api/reports/${r.id}/open`))) openConversation(r.conversation_id);
      } }, t("reports.open")),
      open ? h("button", { type: "button", class: "button", onclick: review("reviewed") }, t("reports.mark_reviewed")) : null,
      open ? h("button", { type: "button", class: "button", onclick: review("dismissed") }, t("reports.dismiss")) : null,
      showHistory && reported ? h("button", { type: "button", class: "button", onclick: () => void showHistory(reported.sender) }, t("reports.about_button", { name: reported.sender.name })) : null),
    showHistory && r.status === "open" ? h("div", { class: "escalate" },
      h("label", { for: `escalate-note-${r.id}` }, t("reports.escalation_note")), escalateNote,
      h("button", { type: "button", class: "button", onclick: () => void escalate() }, t("reports.escalate"))) : null,
    deleted ? h("div", { class: "actions" }, h("button", { type: "button", class: "button", onclick: () => void restore() }, t("reports.restore"))) : null,
    deleted ? restoreError : null);
}

/** Administration: messaging disabled and the mass messaging privilege per person (and their data export and
 * erasure), the communication rules, retention, single sign-on, and the learning platforms that launch Messages. */
export async function adminPage(main: HTMLElement): Promise<void> {
  const orgs = await get<Org[]>("/api/admin/orgs");
  const select = h("select", { id: "admin-org" }, ...orgs.map((o) => h("option", { value: String(o.id) }, t("admin.org_option", { name: o.name, kind: orgKindLabel(o.kind) }))));
  const body = h("div", {});
  replace(main, h("h1", {}, t("menu.admin")),
    h("label", { for: "admin-org" }, t("admin.org"), " "), select, body);
  const find = h("input", { id: "admin-find", type: "search", autocomplete: "off" });
  const people = h("div", {});
  const jobs = h("div", { class: "privacy-jobs" });
  const showPeople = async (): Promise<void> => {
    const q = find.value.trim();
    const page = await get<AdminPeoplePage>(`/api/admin/orgs/${select.value}/people?limit=100${q ? `&q=${encodeURIComponent(q)}` : ""}`);
    replace(people, peopleTable(page.people, () => void showPeople(), jobs));
  };
  let timer = 0;
  find.addEventListener("input", () => { window.clearTimeout(timer); timer = window.setTimeout(() => void showPeople(), 250); });
  let shown = "";  // the org whose page is shown or on the way
  const show = async (): Promise<void> => {
    shown = select.value;
    const org = orgs.find((o) => String(o.id) === select.value)!;
    const [rules, roster, notifications, identityProvider, spaces, retention, leads, platforms] = await Promise.all([
      get<Rule[]>(`/api/admin/orgs/${org.id}/rules`), rosterCard(org.id),
      get<SchoolSettings>(`/api/admin/orgs/${org.id}/notifications`), identityProviderForm(org.id),
      get<Space[]>(`/api/admin/orgs/${org.id}/spaces`), retentionCard(org, (id) => orgs.find((o) => o.id === id)?.name ?? null),
      leadsCard(org.id, () => void show()), platformsCard(org.id)]);
    if (select.value !== String(org.id)) return;  // another org was chosen meanwhile: its page is on the way
    replace(body, timeZoneForm(org), languageForm(org), messagingCard(org, spaces), roster, rulesForm(org.id, rules),
      retention, schoolNotificationsForm(org.id, notifications), identityProvider, leads,
      h("section", { class: "card" }, h("h2", {}, t("admin.people")), h("label", { for: "admin-find" }, t("admin.find"), " "), find, people, jobs),
      platforms);
    await showPeople();
  };
  // Choosing the org already shown changes nothing (its page is not drawn again under the admin's hands).
  select.addEventListener("change", () => { if (select.value !== shown) void show(); });
  if (orgs.length) await show();
}

/** Issue 16: the school's designated safeguarding leads, who receive every report of the school, escalate
 * reports and read a pupil's report history. Designated by another admin (never oneself); audited. */
async function leadsCard(orgId: number, reload: () => void): Promise<HTMLElement> {
  const [leads, staff] = await Promise.all([
    get<Lead[]>(`/api/admin/orgs/${orgId}/safeguarding-leads`),
    get<AdminPeoplePage>(`/api/admin/orgs/${orgId}/people?limit=100`)]);
  const url = (id: number | string): string => `/api/admin/orgs/${orgId}/safeguarding-leads/${id}`;
  const candidates = staff.people.filter((p) => p.may_lead && !leads.some((l) => l.id === p.id));
  const pick = h("select", { id: "lead-pick" }, ...candidates.map((p) => h("option", { value: String(p.id) }, `${p.name} (${roleLabel(p.role)})`)));
  const designate = async (e: Event): Promise<void> => {
    e.preventDefault();
    const name = pick.selectedOptions[0]?.textContent ?? "";
    if (await attempt(() => put(url(pick.value), {}), t("leads.designated", { name: name.replace(/ \(.*\)$/, "") }))) reload();
  };
  return h("form", { class: "card safeguarding-leads", onsubmit: designate },
    h("h2", {}, t("leads.title")),
    h("p", {}, t("leads.intro")),
    leads.length
      ? h("ul", { class: "leads" }, ...leads.map((l) => h("li", {}, l.name, " ",
        h("button", { type: "button", class: "button", "aria-label": t("leads.stand_down_named", { name: l.name }), onclick: async () => {
          if (await attempt(() => del(url(l.id)), t("leads.stood_down", { name: l.name }))) reload();
        } }, t("leads.stand_down")))))
      : h("p", { class: "detail" }, t("leads.none")),
    candidates.length ? h("div", { class: "actions" }, h("label", { for: "lead-pick" }, t("leads.designate_label")), pick,
      h("button", { type: "submit", class: "button primary" }, t("leads.designate"))) : null);
}

/** The org's one clock: teachers' working hours, students' quiet hours and the daily digest are read in it. */
function timeZoneForm(org: Org): HTMLElement {
  const zone = h("input", { id: "org-time-zone", required: true, value: org.time_zone, autocomplete: "off", spellcheck: false });
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (await attempt(() => patch(`/api/admin/orgs/${org.id}`, { time_zone: zone.value.trim() }), t("admin.time_zone_saved", { name: org.name, zone: zone.value.trim() }))) {
      org.time_zone = zone.value.trim();
    }
  };
  return h("form", { class: "card", onsubmit: save },
    h("h2", {}, t("admin.time_zone")),
    h("label", { for: "org-time-zone" }, t("admin.time_zone_label"), " "), zone,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, t("admin.time_zone_save"))));
}

/** §6.4 for a whole org (everyone with a role in it or below) and for each of its courses and projects (their
 * conversation refuses messages); a person's own switch is in People. */
function messagingCard(org: Org, spaces: Space[]): HTMLElement {
  const toggle = (path: string, what: string, item: { messaging_disabled: boolean }): HTMLElement => {
    const box = h("input", { type: "checkbox", checked: item.messaging_disabled, "aria-label": t("admin.disabled_for", { name: what }) });
    box.addEventListener("change", async () => {
      const ok = await attempt(() => patch(path, { messaging_disabled: box.checked }),
        t("admin.disabled_done", { name: what, context: box.checked ? "on" : "off" }));
      if (ok) item.messaging_disabled = box.checked;
      else box.checked = !box.checked;
    });
    return box;
  };
  return h("section", { class: "card" },
    h("h2", {}, t("admin.col_disabled")),
    h("p", {}, t("admin.messaging_intro")),
    h("label", { class: "radio" }, toggle(`/api/admin/orgs/${org.id}`, org.name, org), " ", t("admin.everyone_in", { name: org.name })),
    spaces.length ? h("table", {},
      h("thead", {}, h("tr", {}, ...(["admin.col_space", "settings.participants", "admin.col_disabled"] as const).map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, ...spaces.map((s) => h("tr", {},
        h("th", { scope: "row" }, s.name, h("span", { class: "detail" }, " ", t(s.kind === "course" ? "admin.space_course" : "admin.space_project"))),
        h("td", {}, String(s.participant_count)),
        h("td", {}, toggle(`/api/admin/spaces/${s.id}`, s.name, s))))))
      : h("p", { class: "detail" }, t("admin.no_spaces")));
}

/** The language of the org's people who chose none (and of the orgs below that set none); null inherits. */
function languageForm(org: Org): HTMLElement {
  const select = h("select", { id: "org-language" },
    h("option", { value: "", selected: org.default_language === null }, t("admin.language_inherited")),
    ...LANGUAGES.map((l) => h("option", { value: l, selected: org.default_language === l }, languageName(l))));
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const chosen = (select.value || null) as Language | null;
    if (await attempt(() => patch(`/api/admin/orgs/${org.id}`, { default_language: chosen }),
      t("admin.language_saved", { name: org.name, language: chosen ? languageName(chosen) : t("admin.language_inherited") }))) {
      org.default_language = chosen;
    }
  };
  return h("form", { class: "card", onsubmit: save },
    h("h2", {}, t("admin.language")),
    h("label", { for: "org-language" }, t("admin.language_label"), " "), select,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, t("admin.language_save"))));
}

function rulesForm(orgId: number, rules: Rule[]): HTMLElement {
  const rows = rules.map((r) => {
    const id = `rule-${r.sender_role}-${r.recipient_role}`;
    const scope = h("select", { id }, ...Object.entries(SCOPES).map(([value, label]) => h("option", { value, selected: value === r.scope }, t(label))));
    return { rule: r, scope, row: h("tr", {}, h("th", { scope: "row" }, h("label", { for: id }, t("rules.pair", { sender: roleLabel(r.sender_role), recipient: roleLabel(r.recipient_role) }))), h("td", {}, scope), h("td", { class: "detail" }, SOURCES[r.source] ? t(SOURCES[r.source]) : r.source)) };
  });
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    await attempt(() => put(`/api/admin/orgs/${orgId}/rules`, {
      rules: rows.map(({ rule, scope }) => ({ sender_role: rule.sender_role, recipient_role: rule.recipient_role, scope: scope.value })),
    }), t("rules.saved"));
  };
  return h("form", { class: "card", onsubmit: save },
    h("h2", {}, t("rules.title")),
    h("p", {}, t("rules.intro")),
    h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("rules.col_pair")), h("th", { scope: "col" }, t("rules.col_scope")), h("th", { scope: "col" }, t("rules.col_source")))),
      h("tbody", {}, ...rows.map((r) => r.row))),
    h("button", { type: "submit", class: "button primary" }, t("rules.save")));
}

/** `jobs` shows the exports and erasures started from the table, followed until they have finished. */
function peopleTable(people: AdminPerson[], reload: () => void, jobs: HTMLElement): HTMLElement {
  const toggle = (p: AdminPerson, field: "messaging_disabled" | "mass_messaging", label: string, done: Key): HTMLElement => {
    const box = h("input", { type: "checkbox", checked: p[field], "aria-label": `${label}: ${p.name}` });
    box.addEventListener("change", async () => {
      const ok = await attempt(() => patch(`/api/admin/users/${p.id}`, { [field]: box.checked }), t(done, { name: p.name, context: box.checked ? "on" : "off" }));
      if (!ok) box.checked = !box.checked;
    });
    return box;
  };
  return h("table", {}, h("thead", {}, h("tr", {}, ...(["admin.col_name", "admin.col_role", "admin.col_disabled", "admin.col_mass", "admin.col_privacy"] as const).map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, ...people.map((p) => h("tr", {},
        h("th", { scope: "row" }, p.name, h("span", { class: "detail" }, ` ${p.title}`)), h("td", {}, roleLabel(p.role)),
        h("td", {}, toggle(p, "messaging_disabled", t("admin.col_disabled"), "admin.disabled_done")), h("td", {}, toggle(p, "mass_messaging", t("admin.col_mass"), "admin.mass_done")),
        h("td", {},
          h("button", { type: "button", class: "button", "aria-label": t("export.person", { name: p.name }), onclick: () => void startExport(p.id, p.name, jobs) }, t("export.button")), " ",
          h("button", { type: "button", class: "button", "aria-label": t("admin.erase_person", { name: p.name }), onclick: async () => { if (await erasePerson(p.id, p.name, jobs)) reload(); } }, t("admin.erase")))))));
}

/** The "Link to course participant page" target: the people of a course or project conversation. */
export async function participantsPage(main: HTMLElement, conversationId: number): Promise<void> {
  const [c, { participants }] = await Promise.all([
    get<Conversation>(`/api/conversations/${conversationId}`),
    get<Participants>(`/api/conversations/${conversationId}/participants`),
  ]);
  replace(main, h("h1", {}, t("participants.title", { name: c.name })), participantList(participants));
}
