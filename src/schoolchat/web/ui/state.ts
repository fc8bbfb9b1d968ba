// What the whole page shares: who is logged in, the conversation list and the badge.

import { get } from "./api";
import type { Badge, Conversation, ConversationPage, HubEvent, Me } from "./types";

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

/** Reload the list and the badge; calls that arrive while one is running are folded into one more, and so are
 * events applied meanwhile, since the answer replaces the whole list and may have been read before them. */
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
      changed();
    } while (again);
  })().finally(() => { pending = null; });
  return pending;
}

/** Apply what an event changes in the list and the badge when the event itself says it all: a message written
 * into a listed conversation (its preview, time and unread count; the list stays newest first), a read cursor
 * moved, and events that change neither. So a class of 300 online does not ask the server for the list and the
 * badge again, 300 times, for every message written. False when the event needs them asked for: `refresh()`. */
export function apply(event: HubEvent): boolean {
  switch (event.type) {
    case "message.created": {
      const { message, preview } = event.payload;
      const found = conversation(event.payload.conversation_id);
      if (!found || !preview) return false; // new to this list, or an event rewritten since (an edit, a delete)
      if (message.seq <= found.last_seq) return true; // already in the list (a resync replays it)
      const own = message.sender.id === state.me.id;
      const unread = own ? 0 : found.unread + 1; // the sender's own cursor moves past what they write
      if (!found.muted) state.unreadTotal += unread - found.unread;
      const read_seq = own ? message.seq : found.read_seq;
      Object.assign(found, { unread, read_seq, preview, last_seq: message.seq, last_activity_at: message.created_at });
      state.conversations = [found, ...state.conversations.filter((c) => c !== found)];
      break;
    }
    case "unread.changed": { // in the hub's order with the messages, unlike the answer to marking read
      const found = conversation(event.payload.conversation_id);
      if (found) Object.assign(found, { unread: event.payload.unread, read_seq: event.payload.read_seq });
      state.unreadTotal = event.payload.total;
      break;
    }
    case "reads.changed":
    case "report.created":
      return true;
    default:
      return false;
  }
  if (pending) again = true; // the answer on its way may have been read before this event: ask once more
  changed();
  return true;
}

function changed(): void {
  listeners.forEach((listener) => listener());
}
