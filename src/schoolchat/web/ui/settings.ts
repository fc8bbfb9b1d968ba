// The gear (§4.2, §5.3, §5.6, §5.7): settings for every conversation, plus the group's and the course's own.

import { del, get, patch, post, put } from "./api";
import { announce, attempt, avatar, h, replace } from "./dom";
import { roleLabel, t } from "./i18n";
import { confirmDialog, menuButton, promptDialog } from "./menu";
import { notificationTexts } from "./notifications";
import type { View } from "./panel";
import { backButton, renderHits } from "./panel";
import { reportDialog } from "./report";
import { mayAddParticipants, mayClose, mayDelete, mayLeave, mayRemove, mayRename, mayReportConversation } from "./permissions";
import { refresh } from "./state";
import { showFeedback } from "./compose";
import { recipientPicker } from "./picker";
import type { Conversation, HubEvent, Participant, Participants, SearchPage } from "./types";

export interface SettingsNav {
  back(): void;
  openAt(conversationId: number, seq: number): void;
  list(): void;
}

export function participantList(participants: Participant[], menu?: (p: Participant) => HTMLElement | null): HTMLElement {
  return h("ul", { class: "participants", "aria-label": t("settings.participants") }, ...participants.map((p) => h("li", { class: "participant" },
    avatar(p.name, p.avatar_url, p.initials),
    h("span", { class: "who" },
      h("span", { class: "name" }, p.name, p.formal ? null : h("span", { class: "tag", title: t("settings.joined_through_report_hint") }, t("settings.joined_through_report"))),
      h("span", { class: "detail" }, [p.title, p.role && roleLabel(p.role)].filter(Boolean).join(" · ")),
      ...p.relationship.map((r) => h("span", { class: "detail relation" }, r.text)),
      p.messaging_disabled ? h("span", { class: "detail warn" }, t("settings.messaging_disabled")) : null),
    menu?.(p) ?? null)));
}

export class SettingsView implements View {
  readonly el: HTMLElement;
  private readonly people = h("div", { class: "people" });
  private readonly title = h("h3", { id: "settings-title" });

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
      h("div", { class: "view-header" }, backButton(() => nav.back()), this.title),
      search, actions,
      h("h4", {}, t("settings.participants")),
      mayAddParticipants(c) ? this.adder() : null,
      this.people);
    this.showTitle();
    void this.loadPeople();
  }

  /** The name of an unnamed group is its participants': it changes with them, as with a rename. */
  private showTitle(): void {
    this.title.textContent = t("settings.title", { name: this.c.name });
  }

  onEvent(event: HubEvent): void {
    if (event.conversation_id !== this.c.id) return;
    if (event.type.startsWith("participants.") || event.type === "conversation.updated") void this.loadPeople();
  }


  private async loadPeople(): Promise<void> {
    const [{ participants }, c] = await Promise.all([
      get<Participants>(`/api/conversations/${this.c.id}/participants`),
      get<Conversation>(`/api/conversations/${this.c.id}`)]);
    this.c = c;
    this.showTitle();
    replace(this.people, participantList(participants, (p) => mayRemove(this.c, p)
      ? menuButton(t("settings.options_for", { name: p.name }), () => [{ label: t("settings.remove"), danger: true, run: () => this.remove(p) }]) : null));
  }

  /** §5.3 with the New message picker (people only: a group takes people); §6.4 feedback stays beside it. */
  private adder(): HTMLElement {
    const outcome = h("p", { class: "note", role: "status" });
    const picker = recipientPicker({
      id: "add-participant", label: t("settings.add_search"), hint: t("settings.add_hint"), peopleOnly: true,
      autofocus: false, changed: () => { outcome.textContent = ""; },
      failed: (message) => { outcome.textContent = message; },
    });
    const add = async (): Promise<void> => {
      const chosen = [...picker.selected];
      if (!chosen.length) return announce(t("settings.no_person"), "error");
      await attempt(async () => {
        const answer = await post<Participants>(`/api/conversations/${this.c.id}/participants`,
          { user_ids: chosen.map((s) => s.id) });
        const added = chosen.filter((s) => answer.added.includes(s.id)).map((s) => s.name);
        const done = added.length ? t("settings.added", { name: added.join(", "), count: added.length }) : undefined;
        showFeedback(answer.feedback, done);
        outcome.textContent = [done, ...answer.feedback.map((f) => f.message)].filter(Boolean).join(" ");
        picker.clear();
        void this.loadPeople();
      });
    };
    return h("div", { class: "adder" }, picker.el,
      h("button", { type: "button", class: "button primary", onclick: () => void add() }, t("settings.add")), outcome);
  }

  private async search(q: string, results: HTMLElement): Promise<void> {
    if (!q.trim()) return;
    try {
      const found = await get<SearchPage>(`/api/conversations/${this.c.id}/search?q=${encodeURIComponent(q.trim())}`);
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
    if (name) await attempt(async () => { this.c = await patch<Conversation>(`/api/conversations/${this.c.id}`, { name }); this.showTitle(); }, t("settings.renamed"));
  }

  private async report(): Promise<void> {
    await reportDialog(this.c, null);
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
