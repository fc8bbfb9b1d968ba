// "Read by 23 of 28" under a sender's own message, and the dialog listing who has and has not read it.

import { get } from "./api";
import { attempt, h, replace } from "./dom";
import { t } from "./i18n";
import { infoDialog } from "./menu";
import type { ReadBy, ReadsPage } from "./types";

const LIST = 100;

/** One of the two lists, with "Show more" while the server has more. */
function readerList(base: string, state: "read" | "unread", first: ReadsPage, label: string): HTMLElement {
  const list = h("ul", { class: "readers", "aria-label": label });
  const more = h("button", { type: "button", class: "link-button" }, t("reads.more"));
  const add = (page: ReadsPage): void => {
    page.people.forEach((p) => list.append(h("li", {}, p.name)));
    more.hidden = page.next_after === null;
    more.onclick = () => void attempt(async () => add(await get<ReadsPage>(`${base}?state=${state}&limit=${LIST}&after=${page.next_after}`)));
  };
  add(first);
  return h("div", {}, list, more);
}

export async function showReaders(conversationId: number, messageId: number): Promise<void> {
  const base = `/api/conversations/${conversationId}/messages/${messageId}/reads`;
  await attempt(async () => {
    const [read, unread] = await Promise.all([
      get<ReadsPage>(`${base}?state=read&limit=${LIST}`), get<ReadsPage>(`${base}?state=unread&limit=${LIST}`)]);
    await infoDialog(read.text, [
      h("h3", {}, t("reads.read", { count: read.read })), readerList(base, "read", read, t("reads.have_read")),
      h("h3", {}, t("reads.unread", { count: read.total - read.read })), readerList(base, "unread", unread, t("reads.have_not_read"))]);
  });
}

/** A message's count now (the count alone: no list of names). */
export function fetchReadBy(conversationId: number, messageId: number): Promise<ReadBy> {
  return get<ReadBy>(`/api/conversations/${conversationId}/messages/${messageId}/reads?limit=0`);
}

/** The "Read by X of Y" button in `holder`, made or brought up to date. */
export function showReadBy(holder: HTMLElement, readBy: ReadBy, conversationId: number, messageId: number): void {
  let button = holder.querySelector<HTMLButtonElement>(".read-by");
  if (!button) {
    button = h("button", { type: "button", class: "link-button read-by", onclick: () => void showReaders(conversationId, messageId) });
    holder.append(button);
  }
  replace(button, readBy.text);
  button.setAttribute("aria-label", t("reads.show", { text: readBy.text }));
}
