// What the logged-in person may do in one conversation. Each rule mirrors the server's decision in
// src/schoolchat/policy/ (named beside it), from data the client has: /api/me (school roles, course and project
// roles) and the conversation (kind, status, space, creator, formal). The UI offers exactly these actions; the
// server still has the last word, and its message is shown when it refuses.

import { state } from "./state";
import type { Conversation, Message, Participant } from "./types";

/** A teacher or admin role in some school (the server's `Actor.is_staff`). */
function schoolStaff(): boolean {
  return Object.values(state.me.roles).some((role) => role === "teacher" || role === "admin");
}

function admin(): boolean {
  return Object.values(state.me.roles).includes("admin");
}

/** `conversations.queries.is_staff_in`: a teacher of the conversation's course or project, or an admin; outside
 * courses and projects, anyone with a teacher or admin role in a school. */
export function staffHere(c: Conversation): boolean {
  if (c.space_id === null) return schoolStaff();
  return state.me.spaces[String(c.space_id)] === "teacher" || admin();
}

/** `policy.moderation._may_moderate`: staff here, or present through a report they opened (not formal). */
export function mayModerate(c: Conversation): boolean {
  return staffHere(c) || !c.formal;
}

const isSpace = (c: Conversation): boolean => c.kind === "course" || c.kind === "project";

/** `policy.conversations.may_close` (and a deleted conversation cannot be closed or reopened). */
export function mayClose(c: Conversation): boolean {
  if (c.status === "deleted" || !(c.kind === "group" || isSpace(c))) return false;
  return staffHere(c) || (c.kind === "group" && c.created_by === state.me.id);
}

/** `policy.moderation.may_delete_conversation`: course and project conversations, by their teachers and admins. */
export function mayDelete(c: Conversation): boolean {
  return isSpace(c) && c.status !== "deleted" && staffHere(c);
}

/** `policy.conversations.may_rename` / `may_add_participants` / `may_leave`; `policy.moderation.may_report_conversation`. */
export const mayRename = (c: Conversation): boolean => c.kind === "group";
export const mayAddParticipants = (c: Conversation): boolean => c.kind === "group" && c.status === "open";
export const mayLeave = (c: Conversation): boolean => !isSpace(c) && c.kind !== "direct";
export const mayReportConversation = (c: Conversation): boolean => c.kind === "group";

/** `policy.moderation.may_remove_participant`: groups only; not yourself, not a teacher present through a report. */
export function mayRemove(c: Conversation, p: Participant): boolean {
  return c.kind === "group" && mayModerate(c) && p.formal && p.id !== state.me.id;
}

/** `policy.messages.may_edit`: your own message, while the conversation is open. */
export function mayEdit(c: Conversation | null, m: Message): boolean {
  return m.sender.id === state.me.id && !m.deleted && c?.status === "open";
}

/** `policy.moderation.may_moderator_delete`, for messages of others (your own have "Delete message" anyway). */
export function mayModeratorDelete(c: Conversation | null, m: Message): boolean {
  return c !== null && m.sender.id !== state.me.id && !m.deleted && mayModerate(c);
}

/** `policy.messaging.may_send`, as far as the client can tell: where a message can be written or forwarded to. */
export function maySendTo(c: Conversation): boolean {
  return c.status === "open" && c.kind !== "mass";
}

/** `policy.reads.may_see_reads`: read counts on one's own messages, in a mass message or, for its teachers, in a
 * course conversation. */
export function maySeeReads(c: Conversation): boolean {
  return c.kind === "mass" || (c.kind === "course" && state.me.spaces[String(c.space_id)] === "teacher");
}

/** `policy.working_hours.may_set_working_hours`: teachers and admins of a school. */
export function maySetWorkingHours(): boolean {
  return schoolStaff();
}
