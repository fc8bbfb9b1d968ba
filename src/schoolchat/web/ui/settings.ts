// The gear (§4.2, §5.3, §5.6, §5.7): settings for every conversation, plus the group's and the course's own.

import { del, get, patch, post, put } from "./api";
import { announce, attempt, avatar, h, replace } from "./dom";
import { t } from "./i18n";
import { confirmDialog, menuButton, promptDialog } from "./menu";
import { notificationTexts } from "./notifications";
import type { View } from "./panel";
import { backButton, renderHits, type SearchHit } from "./panel";
import { mayAddParticipants, mayClose, mayDelete, mayLeave, mayRemove, mayRename, mayReportConversation } from "./permissions";
import { refresh } from "./state";
import type { Conversation, HubEvent, Participant, Person } from "./types";

export interface SettingsNav {
  back(): void;
  openAt(conversationId: number, seq: number): void;
  list(): void;
}

export function participantList(participants: Participant[], menu?: (p: Participant) => HTMLElement | null): HTMLElement {
  return h("ul", { class: "participants", "aria-label": t("settings.participants") }, ...participants.map((p) => h("li", { class: "participant" },
    avatar(p.name, p.avatar_url, p.initials),
    h("span", { class: "who" },
      h("span", { class: "name" }, p.name, p.formal ? null : h("span", { class: "tag" }, t("settings.moderator"))),
      h("span", { class: "detail" }, [p.title, p.role].filter(Boolean).join(" · ")),
      ...p.relationship.map((r) => h("span", { class: "detail relation" }, r.text)),
      p.messaging_disabled ? h("span", { class: "detail warn" }, t("settings.messaging_disabled")) : null),
    menu?.(p) ?? null)));
}

export class SettingsView implements View {
  readonly el: HTMLElement;
  private readonly people = h("div", { class: "people" });

  constructor(private c: Conversation, private readonly nav: SettingsNav) {
    const space = c.kind === "course" || c.kind === "project";
    const canClose = mayClose(c);
    const action = (label: string, run: () => void, cls = "link-button"): HTMLElement =>
      h("li", {}, h("button", { type: "button", class: cls, onclick: run }, label));
    const searchInput = h("input", { type: "search", id: "conversation-search", autocomplete: "off" });
    const searchResults = h("ul", { class: "results", "aria-label": t("settings.search_results") });
    const search = h("form", { role: "search", class: "search", onsubmit: (e: Event) => { e.preventDefault(); void this.search(searchInput.value, searchResults); } },
      h("label", { for: "conversation-search" }, t("settings.search")), searchInput, searchResults);

    const actions = h("ul", { class: "actions-list" },
      action(t("message.mark_unread"), () => void this.markUnread()),
      action(c.muted ? notificationTexts.unmute : notificationTexts.mute, () => void this.toggleMute()),
      mayRename(c) ? action(t("settings.rename"), () => void this.rename()) : null,
      mayReportConversation(c) ? action(t("message.report"), () => void this.report()) : null,
      mayLeave(c) ? action(t("settings.leave"), () => void this.leave()) : null,
      canClose && c.status === "open" ? action(t("settings.close"), () => void this.closeConversation()) : null,
      canClose && c.status === "closed" ? action(t("settings.reopen"), () => void this.reopen()) : null,
      mayDelete(c) ? action(t("settings.delete"), () => void this.deleteConversation(), "link-button danger") : null,  // i18n-exempt: a class list
      space ? h("li", {}, h("a", { href: `#participants-${c.id}` }, t(c.kind === "course" ? "settings.course_page" : "settings.project_page"))) : null);

    this.el = h("section", { class: "view settings", "aria-labelledby": "settings-title" },
      h("div", { class: "view-header" }, backButton(() => nav.back()), h("h3", { id: "settings-title" }, t("settings.title", { name: c.name }))),
      search, actions,
      h("h4", {}, t("settings.participants")),
      mayAddParticipants(c) ? this.adder() : null,
      this.people);
    void this.loadPeople();
  }

  onEvent(event: HubEvent): void {
    if (event.conversation_id === this.c.id && event.type.startsWith("participants.")) void this.loadPeople();
  }


  private async loadPeople(): Promise<void> {
    const { participants } = await get<{ participants: Participant[] }>(`/api/conversations/${this.c.id}/participants`);
    replace(this.people, participantList(participants, (p) => mayRemove(this.c, p)
      ? menuButton(t("settings.options_for", { name: p.name }), () => [{ label: t("settings.remove"), danger: true, run: () => this.remove(p) }]) : null));
  }

  private adder(): HTMLElement {
    const input = h("input", { id: "add-participant", type: "search", autocomplete: "off", list: "add-participant-options" });
    const options = h("datalist", { id: "add-participant-options" });
    let found: Person[] = [];
    input.addEventListener("input", async () => {
      const q = input.value.trim();
      if (q.length < 2) return;
      found = (await get<{ people: Person[] }>(`/api/recipients?q=${encodeURIComponent(q)}`)).people;
      replace(options, ...found.map((p) => h("option", { value: p.name }, p.title)));
    });
    const add = async (): Promise<void> => {
      const person = found.find((p) => p.name === input.value.trim());
      if (!person) return announce(t("settings.choose_person"), "error");
      const ok = await attempt(async () => {
        const answer = await post<{ feedback: { message: string }[] }>(`/api/conversations/${this.c.id}/participants`, { user_ids: [person.id] });
        answer.feedback.forEach((f) => announce(f.message));
      }, t("settings.added", { name: person.name }));
      if (ok) { input.value = ""; void this.loadPeople(); }
    };
    return h("div", { class: "adder" },
      h("label", { for: "add-participant" }, t("settings.add_search")), input, options,
      h("button", { type: "button", class: "button primary", onclick: () => void add() }, t("settings.add")));
  }

  private async search(q: string, results: HTMLElement): Promise<void> {
    if (!q.trim()) return;
    try {
      const found = await get<{ hits: SearchHit[] }>(`/api/conversations/${this.c.id}/search?q=${encodeURIComponent(q.trim())}`);
      renderHits(results, found.hits, (hit) => this.nav.openAt(this.c.id, hit.message.seq));
    } catch (e) {
      replace(results, h("li", { class: "error", role: "alert" }, (e as Error).message));
    }
  }

  private async markUnread(): Promise<void> {
    if (await attempt(() => post(`/api/conversations/${this.c.id}/unread`), t("message.marked_unread"))) {
      await refresh();
      this.nav.list();
    }
  }

  private async toggleMute(): Promise<void> {
    const muted = !this.c.muted;
    const path = `/api/conversations/${this.c.id}/mute`;
    if (await attempt(() => (muted ? put(path, {}) : del(path)), muted ? notificationTexts.muted_done : notificationTexts.unmuted_done)) {
      await refresh();
      this.nav.list();
    }
  }

  private async rename(): Promise<void> {
    const name = await promptDialog(t("settings.rename"), t("settings.name"), t("settings.rename_ok"), this.c.name);
    if (name) await attempt(async () => { this.c = await patch<Conversation>(`/api/conversations/${this.c.id}`, { name }); }, t("settings.renamed"));
  }

  private async report(): Promise<void> {
    const reason = await promptDialog(t("message.report"), t("settings.report_question"), t("report.send"), "", true);
    if (reason) await attempt(() => post(`/api/conversations/${this.c.id}/report`, { reason }), t("report.sent"));
  }

  private async leave(): Promise<void> {
    if (await confirmDialog(t("settings.leave"), t("settings.leave_confirm"), t("settings.leave_ok"))
      && await attempt(() => post(`/api/conversations/${this.c.id}/leave`), t("settings.left"))) this.nav.list();
  }

  private async closeConversation(): Promise<void> {
    if (await confirmDialog(t("settings.close"), t("settings.close_confirm"), t("settings.close"))
      && await attempt(() => post(`/api/conversations/${this.c.id}/close`), t("settings.closed"))) this.nav.back();
  }

  private async reopen(): Promise<void> {
    if (await attempt(() => post(`/api/conversations/${this.c.id}/reopen`), t("settings.reopened"))) this.nav.back();
  }

  private async deleteConversation(): Promise<void> {
    if (await confirmDialog(t("settings.delete"), t("settings.delete_confirm"), t("settings.delete"))
      && await attempt(() => post(`/api/conversations/${this.c.id}/delete`, { confirm: true }), t("settings.deleted"))) this.nav.back();
  }

  private async remove(p: Participant): Promise<void> {
    if (await confirmDialog(t("settings.remove_title"), t("settings.remove_confirm", { name: p.name }), t("settings.remove"))
      && await attempt(() => del(`/api/conversations/${this.c.id}/participants/${p.id}`), t("settings.removed", { name: p.name }))) void this.loadPeople();
  }
}
