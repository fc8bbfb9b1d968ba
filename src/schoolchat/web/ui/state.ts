// What the whole page shares: who is logged in, the conversation list and the badge.

import { get } from "./api";
import type { Badge, Conversation, ConversationPage, Me } from "./types";

export const state = {
  me: null as unknown as Me,
  conversations: [] as Conversation[],
  unreadTotal: 0,
  /** How many pages of the list the reader has asked for, and whether the server has more after them. */
  pages: 1,
  more: false,
};

async function listPages(): Promise<Conversation[]> {
  const found: Conversation[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < state.pages; page++) {
    const answer: ConversationPage = await get<ConversationPage>(`/api/conversations?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    found.push(...answer.conversations);
    cursor = answer.next_cursor;
    if (!cursor) break;
  }
  state.more = cursor !== null;
  return found;
}

export function showMore(): Promise<void> {
  state.pages += 1;
  return refresh();
}

type Listener = () => void;
const listeners: Listener[] = [];

export function onChange(listener: Listener): void {
  listeners.push(listener);
}

export function conversation(id: number): Conversation | undefined {
  return state.conversations.find((c) => c.id === id);
}

let pending: Promise<void> | null = null;
let again = false;

/** Reload the list and the badge; calls that arrive while one is running are folded into one more. */
export function refresh(): Promise<void> {
  if (pending) {
    again = true;
    return pending;
  }
  pending = (async () => {
    do {
      again = false;
      const [conversations, badge] = await Promise.all([listPages(), get<Badge>("/api/unread")]);
      state.conversations = conversations;
      state.unreadTotal = badge.total;
      listeners.forEach((listener) => listener());
    } while (again);
  })().finally(() => { pending = null; });
  return pending;
}
