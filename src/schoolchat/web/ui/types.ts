// The API shapes the panel reads. Most are named from ui/schema.ts, which `make web` generates from the server's
// OpenAPI document with openapi-typescript (not committed), so the UI compiles against what the server sends; see
// /docs for the full description. The few the document does not describe yet (a message, a report's evidence, the
// §6.4 feedback: plain objects on the server today) are written out below until it does.
import type { components } from "./schema";

type Schemas = components["schemas"];

/** The schema says only "string" for a conversation's kind until the kinds are an enum on the server. */
export type Kind = "direct" | "group" | "course" | "project" | "individual" | "mass";
export type Me = Schemas["MeOut"];
export type Conversation = Schemas["ConversationOut"];
export type Attachment = Schemas["AttachmentOut"];
export type Person = Schemas["PersonOut"];
export type SpaceHit = Schemas["SpaceHit"];
export type Participant = Schemas["ParticipantOut"];
/** The `error` of every error answer (the one shape, `{"error": {...}}`). */
export type ApiErrorBody = Schemas["ErrorDetail"];
export type RecipientOptions = Schemas["RecipientOptionsOut"];
export type HubEvent = Schemas["EventOut"];
export type EventsPage = Schemas["EventsPage"];
/** GET /api/sso/orgs: a school that signs in with its identity provider (the login page's picker). */
export type SignInChoice = Schemas["SignInChoice"];
/** GET /api/admin/orgs/{id}/identity-provider; the client secret is write-only and never comes back. */
export type IdentityProvider = Schemas["IdentityProviderOut"];

/** "Read by 23 of 28": on the sender's own messages where they may see it (mass messages; teachers in courses). */
export interface ReadBy {
  read: number;
  total: number;
  text: string;
}

export interface Message {
  id: number;
  conversation_id: number;
  seq: number;
  sender: { id: number; name: string; avatar_url: string | null };
  body: string | null;
  html: string | null;
  created_at: string;
  edited_at: string | null;
  deleted: { at: string; by: number | null; notice: string } | null;
  forwarded_from: { message_id: number | null; sender_name: string } | null;
  attachments?: Attachment[]; // absent on servers without the attachments API
  /** In a report's evidence only: the message's earlier texts (its edit history), oldest first. */
  versions?: { body: string; written_at: string; replaced_at: string }[];
  /** In a report's evidence only: the sentence saying the message was deleted from its conversation since. */
  kept_as_evidence?: string | null;
  read_by?: ReadBy; // only when asked for (`read_by=true`) and allowed
}

export interface Feedback {
  message: string;
}

export interface Report {
  id: number;
  conversation_id: number;
  message_id: number | null;
  reporter: { id: number; name: string } | null;
  reason: string;
  category: "bullying" | "inappropriate_content" | "self_harm" | "other";
  status: "open" | "escalated" | "reviewed" | "dismissed";
  escalation: { by: number; at: string; note: string } | null;
  evidence: { conversation: { id: number; kind: Kind; name: string }; reported_seq: number | null; messages: Message[] };
  /** The reported conversation's status now: a deleted one can be restored from the report (§5.7 note). */
  conversation_status: "open" | "closed" | "deleted";
  created_at: string;
  review_note: string | null;
}

