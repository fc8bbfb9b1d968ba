// What the whole page shares: who is logged in, the conversation list and the badge.

import { get } from "./api";
import type { Conversation, Me } from "./types";

export const state = {
  me: null as unknown as Me,
  conversations: [] as Conversation[],
  unreadTotal: 0,
};

type Listener = () => void;
const listeners: Listener[] = [];

export function onChange(listener: Listener): void {
  listeners.push(listener);
}

/** Teachers and admins get the moderator actions; the server still decides each one. */
export function isStaff(): boolean {
  const roles = [...Object.values(state.me.roles), ...Object.values(state.me.spaces)];
  return roles.some((role) => role === "teacher" || role === "admin");
}

export function isAdmin(): boolean {
  return Object.values(state.me.roles).includes("admin");
}

export function teachesSpace(spaceId: number | null): boolean {
  return spaceId !== null && (state.me.spaces[String(spaceId)] === "teacher" || isAdmin());
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
      const [page, badge] = await Promise.all([
        get<{ conversations: Conversation[] }>("/api/conversations?limit=100"),
        get<{ total: number }>("/api/unread"),
      ]);
      state.conversations = page.conversations;
      state.unreadTotal = badge.total;
      listeners.forEach((listener) => listener());
    } while (again);
  })().finally(() => { pending = null; });
  return pending;
}
