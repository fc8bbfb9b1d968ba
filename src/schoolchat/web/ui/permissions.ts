// What the logged-in person may do in one conversation: the server's answer, sent with each conversation
// (`actions`, decided by the policy functions that decide the requests themselves, src/schoolchat/policy/offers.py)
// and with /api/me. The UI offers exactly these; the server still decides each request, and its message is shown
// when it refuses. Only facts about one message or one participant (whose it is, whether it is deleted, whether
// they are a formal participant) are looked at here.

import { state } from "./state";
import type { Conversation, Message, Participant } from "./types";

export const mayClose = (c: Conversation): boolean => c.actions.close;
export const mayDelete = (c: Conversation): boolean => c.actions.delete;
export const mayRename = (c: Conversation): boolean => c.actions.rename;
export const mayAddParticipants = (c: Conversation): boolean => c.actions.add_participants;
export const mayLeave = (c: Conversation): boolean => c.actions.leave;
export const mayReportConversation = (c: Conversation): boolean => c.actions.report;
export const maySendTo = (c: Conversation): boolean => c.actions.send;
export const maySeeReads = (c: Conversation): boolean => c.actions.see_reads;

/** Remove (§5.6): formal participants other than yourself, where the server offers removing. */
export function mayRemove(c: Conversation, p: Participant): boolean {
  return c.actions.remove_participants && p.formal && p.id !== state.me.id;
}

/** Edit: your own message, not deleted, where the server offers editing. */
export function mayEdit(c: Conversation | null, m: Message): boolean {
  return c !== null && c.actions.edit_own && m.sender.id === state.me.id && !m.deleted;
}

/** Moderator delete (§5.5), for messages of others (your own have "Delete message" anyway). */
export function mayModeratorDelete(c: Conversation | null, m: Message): boolean {
  return c !== null && c.actions.moderate && m.sender.id !== state.me.id && !m.deleted;
}

/** Working hours: the server's answer in /api/me. */
export function maySetWorkingHours(): boolean {
  return state.me.may_set_working_hours;
}

/** The Reports inbox in the menu: the server's answer in /api/me. */
export function mayReviewReports(): boolean {
  return state.me.may_review_reports;
}

/** The Administration page in the menu: the server's answer in /api/me. */
export function mayAdminister(): boolean {
  return state.me.may_administer;
}

/** Mass messages (§6.5) in the menu and the composer: the server's answer in /api/me. */
export function maySendMass(): boolean {
  return state.me.may_send_mass;
}
