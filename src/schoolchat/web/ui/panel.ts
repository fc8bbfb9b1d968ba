// The slide-in messages panel (§3.1, §3.2): the bubble's badge, the conversation list, search and the view stack.

import { get } from "./api";
import { avatar, byId, h, icon, replace, timeLabel } from "./dom";
import { t, type Key } from "./i18n";
import { notificationTexts } from "./notifications";
import { onChange, refresh, showMore, state } from "./state";
import type { Conversation, HubEvent, Kind, SearchHit, SearchPage } from "./types";

export interface View {
  el: HTMLElement;
  onEvent?(event: HubEvent): void;
  close?(): void;
}

const KIND_LABEL: Record<Conversation["kind"], Key> = {
  direct: "kind.direct", group: "kind.group", course: "kind.course",
  project: "kind.project", individual: "kind.individual", mass: "kind.mass",
};
const KIND_ICON = { group: "group", course: "course", project: "project", individual: "people", mass: "mass" } as const satisfies Record<Exclude<Kind, "direct">, string>;

export class Panel {
  private readonly root = byId("panel");
  private readonly bubble = byId<HTMLButtonElement>("chat-button");
  private readonly badge = byId("chat-badge");
  private readonly list = h("ul", { class: "conversation-list", "aria-label": t("panel.conversations") });
  private readonly status = h("p", { class: "connection", role: "status", hidden: true });
  private readonly body = h("div", { class: "panel-body" });
  private readonly search = h("input", { type: "search", id: "panel-search", placeholder: t("panel.search"), autocomplete: "off" });
  private stack: View[] = [];

  constructor(private readonly actions: { newMessage(): View; open(id: number, focusSeq?: number): View; notifications(): View }) {
    const form = h("form", { class: "search", role: "search", onsubmit: (e: Event) => { e.preventDefault(); void this.runSearch(); } },
      h("label", { for: "panel-search", class: "sr-only" }, t("panel.search_label")), this.search);
    replace(this.root,
      h("header", { class: "panel-header" },
        h("h2", { id: "panel-title" }, t("panel.title")),
        h("button", { type: "button", class: "icon-button", id: "notification-settings", "aria-label": notificationTexts.title,
          onclick: () => this.reset(this.actions.notifications()) }, icon("bell")),
        h("button", { type: "button", class: "icon-button", "aria-label": t("panel.close"), onclick: () => this.hide() }, icon("close"))),
      h("div", { class: "panel-tools" },
        h("button", { type: "button", class: "button primary", id: "new-message", onclick: () => this.push(this.actions.newMessage()) }, t("compose.new_message")),
        form),
      this.status,
      this.body);
    this.body.appendChild(this.list);
    this.bubble.addEventListener("click", () => (this.root.hidden ? this.show() : this.hide()));
    this.root.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !(e.target as Element).closest(".menu, dialog")) this.stack.length ? this.back() : this.hide();
    });
    onChange(() => this.render());
  }

  show(): void {
    this.root.hidden = false;
    this.bubble.setAttribute("aria-expanded", "true");
    void refresh();
    byId("new-message").focus();
  }

  hide(): void {
    this.root.hidden = true;
    this.bubble.setAttribute("aria-expanded", "false");
    this.bubble.focus();
  }

  get isOpen(): boolean {
    return !this.root.hidden;
  }

  /** Messaging is not available to this person: say why, and offer nothing that would fail. */
  unavailable(reason: string): void {
    replace(this.list, h("li", { class: "empty error", role: "alert" }, reason));
    this.root.querySelectorAll<HTMLButtonElement | HTMLInputElement>("#new-message, #panel-search").forEach((el) => { el.disabled = true; });
    this.badge.hidden = true;
  }

  setConnection(text: string | null): void {
    this.status.hidden = text === null;
    this.status.textContent = text ?? "";
  }

  push(view: View): void {
    this.stack.at(-1)?.el.remove();
    this.stack.push(view);
    this.list.hidden = true;
    this.body.appendChild(view.el);
    view.el.querySelector<HTMLElement>("[data-autofocus]")?.focus();
  }

  back(): void {
    const view = this.stack.pop();
    view?.close?.();
    view?.el.remove();
    const below = this.stack.at(-1);
    if (below) this.body.appendChild(below.el);
    else {
      this.list.hidden = false;
      this.list.querySelector<HTMLElement>("a")?.focus();
      void refresh();
    }
  }

  /** Replace the whole stack with one view (opening a conversation from anywhere). */
  reset(view?: View): void {
    while (this.stack.length) this.back();
    if (view) this.push(view);
  }

  openConversation(id: number, focusSeq?: number): void {
    if (this.root.hidden) this.show();
    this.reset(this.actions.open(id, focusSeq));
  }

  dispatch(event: HubEvent): void {
    this.stack.forEach((view) => view.onEvent?.(event));
  }

  private render(): void {
    const total = state.unreadTotal;
    this.badge.textContent = total > 99 ? "99+" : String(total);
    this.badge.hidden = total === 0;
    this.bubble.setAttribute("aria-label", total ? t("panel.title_unread", { count: total }) : t("panel.title"));
    if (!state.conversations.length) {
      replace(this.list, h("li", { class: "empty" }, t("panel.empty")));
      return;
    }
    replace(this.list, ...state.conversations.map((c) => this.item(c)),
      state.more ? h("li", { class: "more" }, h("button", { type: "button", class: "link-button", onclick: () => void showMore() }, t("panel.more"))) : null);
  }

  private item(c: Conversation): HTMLElement {
    const kindIcon = c.kind === "direct" ? avatar(c.name, null) : h("span", { class: `avatar kind-${c.kind}`, "aria-hidden": "true" }, icon(KIND_ICON[c.kind]));
    const unread = c.unread > 0;
    const status = c.status !== "open" ? h("span", { class: "tag" }, c.status === "closed" ? t("status.closed") : t("status.deleted"))
      : c.muted ? h("span", { class: "tag muted" }, notificationTexts.muted) : null;
    return h("li", { class: unread ? "conv-item unread" : "conv-item" },
      h("a", { href: `#c${c.id}`, "data-conversation": c.id, onclick: (e: Event) => { e.preventDefault(); this.openConversation(c.id); } },
        kindIcon,
        h("span", { class: "summary" },
          h("span", { class: "line" }, h("span", { class: "name" }, c.name, h("span", { class: "sr-only" }, t("panel.kind_sr", { kind: t(KIND_LABEL[c.kind]) }))), status, timeLabel(c.last_activity_at)),
          h("span", { class: "line" }, h("span", { class: "preview" }, c.preview?.text ?? c.status_notice ?? ""),
            unread ? h("span", { class: "dot" }, String(c.unread), h("span", { class: "sr-only" }, t("panel.unread_sr"))) : null))));
  }

  private async runSearch(): Promise<void> {
    const q = this.search.value.trim();
    if (!q) return;
    const results = h("ul", { class: "results", "aria-label": t("search.results_for_label", { q }) });
    const view: View = {
      el: h("section", { class: "view", "aria-label": t("search.results") },
        h("div", { class: "view-header" }, backButton(() => this.back()), h("h3", {}, t("search.results_for", { q }))), results),
    };
    this.reset(view);
    try {
      const found = await get<SearchPage>(`/api/search?q=${encodeURIComponent(q)}`);
      renderHits(results, found.hits, (hit) => this.openConversation(hit.conversation.id, hit.message.seq));
    } catch (error) {
      replace(results, h("li", { class: "error", role: "alert" }, (error as Error).message));
    }
  }
}


/** The snippet is server HTML with matches in <mark> and everything else escaped; we rebuild it as nodes. */
function snippet(html: string): HTMLElement {
  const out = h("span", { class: "snippet" });
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  doc.body.firstChild?.childNodes.forEach((node) => {
    out.appendChild(node.nodeName === "MARK" ? h("mark", {}, node.textContent ?? "") : document.createTextNode(node.textContent ?? ""));
  });
  return out;
}

export function renderHits(list: HTMLElement, hits: SearchHit[], open: (hit: SearchHit) => void): void {
  if (!hits.length) {
    replace(list, h("li", { class: "empty", role: "status" }, t("search.none")));
    return;
  }
  replace(list, ...hits.map((hit) => h("li", {},
    h("button", { type: "button", class: "hit", onclick: () => open(hit) },
      h("span", { class: "line" }, h("span", { class: "name" }, hit.conversation.name), timeLabel(hit.message.created_at)),
      h("span", { class: "by" }, hit.message.sender.name),
      snippet(hit.snippet ?? hit.message.body ?? "")))));
}

export function backButton(onclick: () => void): HTMLElement {
  return h("button", { type: "button", class: "icon-button", "aria-label": t("nav.back"), onclick }, icon("back"));
}
