// A tiny DOM builder: no framework, no innerHTML except for the server's sanitised message HTML.

import { language, shortTime, t } from "./i18n";
import type { Attachment } from "./types";

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = String(value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`); // i18n-exempt: a fault of the page, not a user's
  return el as T;
}

const SVG = "http://www.w3.org/2000/svg";
const ICONS: Record<string, string> = {
  gear: "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm9 5.5v-3l-2.4-.6a7 7 0 0 0-.8-1.9l1.3-2.1-2.1-2.1-2.1 1.3a7 7 0 0 0-1.9-.8L12.5 2h-3l-.6 2.4a7 7 0 0 0-1.9.8L4.9 3.9 2.8 6l1.3 2.1a7 7 0 0 0-.8 1.9L1 10.5v3l2.4.6c.2.7.4 1.3.8 1.9l-1.3 2.1 2.1 2.1 2.1-1.3c.6.4 1.2.6 1.9.8l.6 2.4h3l.6-2.4c.7-.2 1.3-.4 1.9-.8l2.1 1.3 2.1-2.1-1.3-2.1c.4-.6.6-1.2.8-1.9z",
  clip: "M16.5 6.5 8 15a2 2 0 0 0 3 3l9-9a4 4 0 0 0-6-6l-9 9a6 6 0 0 0 8.5 8.5L21 13",
  send: "M3 12h14M12 5l7 7-7 7",
  file: "M6 2h8l6 6v14H6zM14 2v6h6",
  close: "M5 5l14 14M19 5 5 19",
  back: "M15 5l-7 7 7 7",
  group: "M8 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm8 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM2 20a6 6 0 0 1 12 0M12 20a6 6 0 0 1 10 0",
  course: "M3 7l9-4 9 4-9 4zM7 9v5c0 2 10 2 10 0V9",
  project: "M3 6h7l2 2h9v11H3z",
  people: "M4 6h16M4 12h16M4 18h10",
  mass: "M3 10v4h4l6 4V6L7 10zM17 8a5 5 0 0 1 0 8",
  more: "M5 12h.01M12 12h.01M19 12h.01",
  bell: "M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0",
};

export function icon(name: keyof typeof ICONS): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.classList.add("icon");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", ICONS[name]);
  svg.appendChild(path);
  return svg;
}

export function avatar(name: string, url: string | null, initials?: string): HTMLElement {
  if (url) return h("img", { class: "avatar", src: url, alt: "" });
  const letters = initials ?? name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]).join("").toUpperCase();
  return h("span", { class: "avatar", "aria-hidden": "true" }, letters);
}

export function timeLabel(iso: string): HTMLTimeElement {
  const { text, full } = shortTime(new Date(iso));
  return h("time", { datetime: iso, title: full }, text);
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return t("size.bytes", { n: bytes });
  if (bytes < 1024 * 1024) return t("size.kb", { n: Math.round(bytes / 1024) });
  return t("size.mb", { n: (bytes / 1024 / 1024).toLocaleString(language(), { maximumFractionDigits: 1, minimumFractionDigits: 1 }) });
}

/** A message's files as download links (file icon, name, size: §6.2), each to the URL `href` gives: the
 * conversation's own route, or a report's for the files its evidence keeps. Null when there are none. */
export function attachmentList(files: Attachment[] | undefined, href: (file: Attachment) => string): HTMLElement | null {
  if (!files?.length) return null;
  return h("ul", { class: "attachments", "aria-label": t("files.attachments") }, ...files.map((a) => h("li", {},
    h("a", { href: href(a), download: a.name, class: "file" },
      icon("file"), h("span", { class: "filename" }, a.name), h("span", { class: "size" }, ` (${fileSize(a.size)})`)))));
}

/** Read a polite status line to screen readers (and show it briefly as a toast). */
export function announce(text: string, kind: "info" | "error" = "info"): void {
  const toast = byId("toast");
  toast.className = `toast ${kind}`;
  toast.textContent = text;
  toast.hidden = false;
  window.clearTimeout(Number(toast.dataset.timer));
  toast.dataset.timer = String(window.setTimeout(() => { toast.hidden = true; }, 6000));
}

/** Run one user action: announce `done` when it works, the API's message when it does not; true if it worked. */
export async function attempt(action: () => Promise<unknown>, done?: string): Promise<boolean> {
  try {
    await action();
    if (done) announce(done);
    return true;
  } catch (e) {
    announce((e as Error).message, "error");
    return false;
  }
}
