// One conversation (§4.3, §5.2, §5.5): history with keyset scroll-back, live updates, the ⋯ menu, the composer.

import { ApiError, del, get, patch, post } from "./api";
import { announce, attachmentList, attempt, avatar, h, icon, replace, timeLabel } from "./dom";
import { composer, showFeedback } from "./compose";
import { t } from "./i18n";
import { confirmDialog, menuButton, promptDialog, type MenuItem } from "./menu";
import type { View } from "./panel";
import { backButton } from "./panel";
import { reportDialog } from "./report";
import { mayEdit, mayModeratorDelete, maySeeReads } from "./permissions";
import { fetchReadBy, showReadBy } from "./reads";
import { refresh, state } from "./state";
import type { Conversation, HistoryPage, HubEvent, Message, ReadBy, Sent } from "./types";

const PAGE = 30;
/** The API's largest history page: used to reach back to the first unread message in fewer requests. */
const LARGEST_PAGE = 200;
/** How far back opening a conversation reaches for its first unread message (a few large pages). */
const UNREAD_REACH = 4 * LARGEST_PAGE;
/** How long reading gathers what scrolled into view before it moves the cursor: one request per pause. */
const READ_BATCH_MS = 400;
/** A message counts as seen when half of it, or half of the view when it is taller, has been on screen. */
const SEEN_SHARE = 0.5;
/** How long "Read by" waits for more reads before asking for the new counts (a count costs the server a walk). */
const READS_REFRESH_MS = 1000;
const THRESHOLDS = Array.from({ length: 11 }, (_, i) => i / 10);

export interface ConversationNav {
  back(): void;
  settings(conversation: Conversation): void;
  forward(message: Message): void;
  open(conversationId: number): void;
}

export class ConversationView implements View {
  readonly el: HTMLElement;
  private conversation: Conversation | null = null;
  private readonly title = h("h3", { id: "conversation-title" }, "…");
  private readonly banner = h("p", { class: "banner", role: "status", hidden: true });
  /** "Sent to X people": the 1:1s it went to, each one link away. */
  private readonly sentTo = h("nav", { class: "sent-to", "aria-label": t("compose.recipients"), hidden: true });
  /** Read to screen readers when the conversation opens with unread messages (the divider says it visually). */
  private readonly unreadStatus = h("p", { class: "sr-only", role: "status" });
  private divider: HTMLElement | null = null;
  private readonly list = h("ol", { class: "messages", "aria-label": t("panel.title"), tabindex: 0 });
  private readonly earlier = h("button", { type: "button", class: "link-button earlier", hidden: true, onclick: () => void this.loadEarlier() }, t("conversation.earlier"));
  private readonly scroller = h("div", { class: "scroller" });
  private readonly write;
  private readonly rows = new Map<number, HTMLElement>();
  /** "Read by X of Y" of the reader's own messages, as last told (history, then `reads.changed` events). */
  private readonly readBy = new Map<number, ReadBy>();
  /** Own messages whose counts changed (`reads.changed`), asked for again together after a short pause. */
  private readonly readsChanged = new Set<number>();
  private readsTimer = 0;
  private nextBefore: number | null = null;
  private loading = false;
  private removed = false;
  private readonly observer: IntersectionObserver;
  /** Reading (§7.1 "scroll through to mark messages as read"): the rows on screen now, the highest seq the reader
   * has had on screen with the tab visible, and the cursor as far as we have moved it. */
  private readonly reading: IntersectionObserver;
  private readonly onScreen = new Set<HTMLElement>();
  private seenSeq = 0;
  private readSeq = 0;
  /** Rows are watched only once the conversation has opened where it should: not while pages load above. */
  private watching = false;
  /** After "Mark as unread" this view stops reading, until the conversation is opened again. */
  private keepUnread = false;
  private readTimer = 0;
  private readRequest: Promise<unknown> = Promise.resolve();
  private readonly onVisibility = (): void => this.noteSeen();

  constructor(private readonly id: number, private readonly nav: ConversationNav, private readonly focusSeq?: number) {
    this.write = composer(() => (this.conversation ? t("compose.write_to", { name: this.conversation.name }) : t("compose.placeholder")), async (body, attachment_ids, client_message_id) => {
      const sent = await post<Sent>(`/api/conversations/${this.id}/messages`, { body, attachment_ids, client_message_id });
      this.upsert(sent.message);
      this.readSeq = Math.max(this.readSeq, sent.message.seq); // the server moved our cursor past it
      showFeedback(sent.feedback);
      this.scrollToEnd();
    });
    const gear = h("button", { type: "button", class: "icon-button", "aria-label": t("conversation.settings"), onclick: () => this.conversation && this.nav.settings(this.conversation) }, icon("gear"));
    this.scroller.append(this.earlier, this.list);
    this.el = h("section", { class: "view conversation", "aria-labelledby": "conversation-title" },
      h("div", { class: "view-header" }, backButton(() => this.nav.back()), this.title, gear),
      this.banner, this.sentTo, this.unreadStatus, this.scroller, this.write.el);
    this.observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void this.loadEarlier();
    }, { root: this.scroller });
    this.observer.observe(this.earlier);
    this.reading = new IntersectionObserver((entries) => this.onIntersect(entries), { root: this.scroller, threshold: THRESHOLDS });
    document.addEventListener("visibilitychange", this.onVisibility);
    void this.load();
  }

  close(): void {
    this.observer.disconnect();
    this.reading.disconnect();
    document.removeEventListener("visibilitychange", this.onVisibility);
    window.clearTimeout(this.readsTimer);
    this.flushRead(); // what was seen just before leaving counts
  }

  private async load(): Promise<void> {
    this.loading = true; // scrolling back waits until the first pages are in place
    try {
      await this.reloadHeader();
      const c = this.conversation as Conversation;
      // Unread messages (from the read cursor as it was on opening): load back to the first of them, so the
      // "New messages" divider can stand above it. A search hit opens at the hit instead.
      const readSeq = c.read_seq;
      this.readSeq = this.seenSeq = readSeq;
      const unread = !this.focusSeq && c.unread > 0;
      const reach = Math.min(LARGEST_PAGE, Math.max(PAGE, c.last_seq - readSeq + 3));
      await this.loadPage(this.focusSeq ? this.focusSeq + 10 : null, unread ? reach : PAGE);
      while (unread && this.nextBefore !== null && this.nextBefore > readSeq + 1 && this.rows.size < UNREAD_REACH) {
        await this.loadPage(this.nextBefore, LARGEST_PAGE);
      }
      const focused = this.focusSeq ? this.list.querySelector<HTMLElement>(`[data-seq="${this.focusSeq}"]`) : null;
      const divider = unread ? this.showDivider(readSeq) : null;
      if (focused) { focused.classList.add("found"); focused.scrollIntoView({ block: "center" }); }
      else if (divider) this.scrollTo(divider);
      else this.scrollToEnd();
      if (unread) this.unreadStatus.textContent = t(divider ? "conversation.unread_below" : "conversation.unread", { count: c.unread });
      this.watching = true;
      this.rows.forEach((row) => this.reading.observe(row));
    } catch (e) {
      this.showBanner((e as Error).message);
    } finally {
      this.loading = false;
    }
  }

  private historyUrl(before: number | null, limit = PAGE): string {
    const reads = this.conversation && maySeeReads(this.conversation) ? "&read_by=true" : "";
    return `/api/conversations/${this.id}/messages?limit=${limit}${before ? `&before_seq=${before}` : ""}${reads}`;
  }

  /** One page of history older than `before` (the newest page when null), added above what is shown. */
  private async loadPage(before: number | null, limit = PAGE): Promise<void> {
    const page = await get<HistoryPage>(this.historyUrl(before, limit));
    const fragment = document.createDocumentFragment();
    page.messages.slice().reverse().forEach((m) => {
      if (this.rows.has(m.id)) return;
      const row = this.render(m);
      this.rows.set(m.id, row);
      if (this.watching) this.reading.observe(row);
      fragment.appendChild(row);
    });
    this.list.prepend(fragment);
    this.setNext(page.next_before_seq);
  }

  /** The "New messages" divider above the first message from someone else after `readSeq`; null when none is
   * loaded. Its data-seq sits between that message and the one before, so late arrivals go to the right side. */
  private showDivider(readSeq: number): HTMLElement | null {
    this.divider?.remove();
    this.divider = null;
    const first = Array.from(this.list.querySelectorAll<HTMLElement>(".message:not(.own)"))
      .find((row) => Number(row.dataset.seq) > readSeq);
    if (!first) return null;
    this.divider = h("li", { class: "unread-divider", "data-seq": Number(first.dataset.seq) - 0.5 },
      h("span", {}, t("conversation.new_messages")));
    first.before(this.divider);
    return this.divider;
  }

  private scrollTo(row: HTMLElement): void {
    this.scroller.scrollTop += row.getBoundingClientRect().top - this.scroller.getBoundingClientRect().top - 8;
  }

  private setNext(next: number | null): void {
    this.nextBefore = next;
    this.earlier.hidden = next === null;
  }

  /** Keyset paging: only the new page is added, and the scroll position stays where the reader was. */
  private async loadEarlier(): Promise<void> {
    if (this.loading || this.nextBefore === null) return;
    this.loading = true;
    try {
      const fromBottom = this.scroller.scrollHeight - this.scroller.scrollTop;
      await this.loadPage(this.nextBefore);
      this.scroller.scrollTop = this.scroller.scrollHeight - fromBottom;
    } finally {
      this.loading = false;
    }
  }

  private async reloadHeader(): Promise<void> {
    this.conversation = await get<Conversation>(`/api/conversations/${this.id}`);
    this.applyStatus(this.conversation);
  }

  private applyStatus(c: Conversation): void {
    this.title.textContent = c.name;
    this.showRecipients(c);
    this.write.setNotice(c.working_hours_notice);
    const closed = c.status !== "open" || this.removed;
    const notice = this.removed ? t("conversation.removed") : c.status_notice;
    this.showBanner(closed ? notice : null);
    this.write.setClosed(this.removed ? notice
      : c.status === "closed" ? t("conversation.closed_no_send")
      : c.status === "deleted" ? t("conversation.deleted_no_send")
      : c.messaging_disabled_notice ?? (c.kind === "mass" ? t("conversation.mass_one_way") : null));
  }

  private showRecipients(c: Conversation): void {
    this.sentTo.hidden = !c.recipients?.length;
    replace(this.sentTo, ...(c.recipients?.length ? [h("span", {}, t("conversation.each_own"), " "),
      h("ul", {}, ...c.recipients.map((r) => h("li", {},
        h("a", { href: `#c${r.conversation_id}`, onclick: (e: Event) => { e.preventDefault(); this.nav.open(r.conversation_id); } }, r.name))))] : []));
  }

  private showBanner(text: string | null): void {
    this.banner.hidden = text === null;
    this.banner.textContent = text ?? "";
  }

  private scrollToEnd(): void {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  /** Keeps `onScreen` to the rows seen enough right now (whether or not the tab is visible). */
  private onIntersect(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const row = entry.target as HTMLElement;
      const view = entry.rootBounds?.height ?? 0;
      const seen = entry.isIntersecting && row.isConnected
        && (entry.intersectionRatio >= SEEN_SHARE || (view > 0 && entry.intersectionRect.height >= view * SEEN_SHARE));
      if (seen) this.onScreen.add(row);
      else this.onScreen.delete(row);
    }
    this.noteSeen();
  }

  /** What is on screen while the tab is visible has been seen; the cursor follows it, batched, never back. */
  private noteSeen(): void {
    if (document.visibilityState !== "visible" || this.keepUnread) return;
    this.onScreen.forEach((row) => { this.seenSeq = Math.max(this.seenSeq, Number(row.dataset.seq)); });
    if (this.seenSeq > this.readSeq && !this.readTimer) {
      this.readTimer = window.setTimeout(() => this.flushRead(), READ_BATCH_MS);
    }
  }

  private flushRead(): void {
    window.clearTimeout(this.readTimer);
    this.readTimer = 0;
    if (this.seenSeq <= this.readSeq || this.removed || this.keepUnread || document.visibilityState !== "visible") return;
    const upTo = this.seenSeq;
    this.readSeq = upTo; // the server keeps the highest cursor it was sent, so requests may cross
    this.readRequest = post(`/api/conversations/${this.id}/read`, { up_to_seq: upTo }).catch(() => undefined); // unread.changed follows
  }

  onEvent(event: HubEvent): void {
    if (event.conversation_id !== this.id) return;
    switch (event.type) {
      case "message.created": {
        const atEnd = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 80;
        this.upsert(event.payload.message);
        if (atEnd) this.scrollToEnd(); // in view, it is read like any other
        break;
      }
      case "message.edited":
      case "message.deleted":
        if (this.rows.has(event.payload.message.id)) this.upsert(event.payload.message);
        break;
      case "participants.removed":
        if (event.payload.user_ids.includes(state.me.id)) {
          this.removed = true; // the conversation is no longer ours to fetch
          if (this.conversation) this.applyStatus(this.conversation);
        } else void this.reloadHeader();
        break;
      case "reads.changed":
        event.payload.message_ids.forEach((id) => this.readsChanged.add(id));
        if (!this.readsTimer) this.readsTimer = window.setTimeout(() => void this.refreshReadBy(), READS_REFRESH_MS);
        break;
      case "conversation.updated":
      case "conversation.closed":
      case "conversation.reopened":
      case "conversation.deleted":
        void this.reloadHeader();
        break;
    }
  }

  private async refreshReadBy(): Promise<void> {
    this.readsTimer = 0;
    const ids = [...this.readsChanged].filter((id) => this.rows.has(id));
    this.readsChanged.clear();
    for (const id of ids) {
      const count = await fetchReadBy(this.id, id).catch(() => null);
      const bubble = this.rows.get(id)?.querySelector<HTMLElement>(".bubble");
      if (count && bubble) {
        this.readBy.set(id, count);
        showReadBy(bubble, count, this.id, id);
      }
    }
  }

  private upsert(message: Message): void {
    const row = this.render(message);
    const old = this.rows.get(message.id);
    if (this.watching) this.reading.observe(row);
    if (old) {
      this.reading.unobserve(old);
      this.onScreen.delete(old);
      old.replaceWith(row);
    } else {
      const after = Array.from(this.list.children).find((el) => Number((el as HTMLElement).dataset.seq) > message.seq);
      this.list.insertBefore(row, after ?? null);
    }
    this.rows.set(message.id, row);
  }

  private render(m: Message): HTMLElement {
    const own = m.sender.id === state.me.id;
    const body = m.deleted
      ? h("p", { class: "notice" }, m.deleted.notice)
      : h("div", { class: "body" });
    if (!m.deleted && m.html) body.innerHTML = m.html; // sanitised by the server (nh3): links are the only markup
    const files = attachmentList(m.attachments, (a) => `/api/attachments/${a.id}`);
    const bubble = h("div", { class: "bubble" },
      h("div", { class: "meta" },
        h("span", { class: "author" }, m.sender.name), timeLabel(m.created_at),
        m.edited_at && !m.deleted ? h("span", { class: "edited" }, t("message.edited")) : null,
        m.deleted ? null : menuButton(t("message.options", { name: m.sender.name }), () => this.options(m, own))),
      m.forwarded_from && !m.deleted ? h("p", { class: "forwarded" }, t("message.forwarded_from", { name: m.forwarded_from.sender_name })) : null,
      body, files);
    if (m.read_by) this.readBy.set(m.id, m.read_by);
    const readBy = own && !m.deleted ? this.readBy.get(m.id) : undefined;
    if (readBy) showReadBy(bubble, readBy, this.id, m.id);
    return h("li", { class: own ? "message own" : "message", "data-seq": m.seq, "data-id": m.id },
      avatar(m.sender.name, m.sender.avatar_url), bubble);
  }

  private options(m: Message, own: boolean): MenuItem[] {
    const items: MenuItem[] = [];
    if (own) {
      if (mayEdit(this.conversation, m)) items.push({ label: t("message.edit"), run: () => this.edit(m) });
      items.push({ label: t("message.delete"), danger: true, run: () => this.deleteOwn(m) });
    }
    items.push({ label: t("message.forward"), run: () => this.forward(m) });
    items.push({ label: t("message.mark_unread"), run: () => this.markUnread(m) });
    if (!own) {
      items.push({ label: t("message.report"), run: () => this.report(m) });
      if (mayModeratorDelete(this.conversation, m)) items.push({ label: t("message.delete"), danger: true, run: () => this.moderate(m) });
    }
    return items;
  }


  private async edit(m: Message): Promise<void> {
    const body = await promptDialog(t("message.edit_title"), t("message.edit_label"), t("message.save"), m.body ?? "", true);
    if (body) await attempt(async () => this.upsert(await patch<Message>(`/api/messages/${m.id}`, { body })));
  }

  private async deleteOwn(m: Message): Promise<void> {
    if (await confirmDialog(t("message.delete"), t("message.delete_confirm"), t("message.delete_ok"))) {
      await attempt(async () => this.upsert(await del<Message>(`/api/messages/${m.id}`)));
    }
  }

  /** §5.5: the confirmation is the server's own (409 `confirmation_required`): it knows whether a report keeps the
   * message as evidence ("removed from the conversation; kept as evidence for this report"). */
  private async moderate(m: Message): Promise<void> {
    let confirmation: string;
    try {
      this.upsert(await post<Message>(`/api/messages/${m.id}/moderate`, { confirm: false }));
      return;
    } catch (e) {
      if (!(e instanceof ApiError && e.code === "confirmation_required")) return announce((e as Error).message, "error");
      confirmation = e.message;
    }
    if (await confirmDialog(t("message.delete"), confirmation, t("message.delete_ok"))) {
      await attempt(async () => this.upsert(await post<Message>(`/api/messages/${m.id}/moderate`, { confirm: true })));
    }
  }

  private forward(m: Message): void {
    this.nav.forward(m);
  }

  private async markUnread(m: Message): Promise<void> {
    // This message and everything after it become unread, and stay so while the reader is here: reading them on
    // screen would undo the choice at once. Opening the conversation again reads as usual.
    this.keepUnread = true;
    window.clearTimeout(this.readTimer);
    this.readTimer = 0;
    await this.readRequest; // a cursor move already on its way must not land after the unread one
    const marked = await attempt(async () => {
      await post(`/api/messages/${m.id}/unread`);
      this.readSeq = this.seenSeq = m.seq - 1;
      this.showDivider(m.seq - 1);
    }, t("message.marked_unread"));
    if (marked) await refresh().catch(() => undefined);
    else {
      this.keepUnread = false; // nothing changed: reading goes on
      this.noteSeen();
    }
  }

  private async report(m: Message): Promise<void> {
    if (this.conversation) await reportDialog(this.conversation, m);
  }
}

