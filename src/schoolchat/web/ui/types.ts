// The API shapes the panel reads (see /docs for the full OpenAPI description).

export type Kind = "direct" | "group" | "course" | "project" | "individual" | "mass";

export interface Me {
  id: number;
  username: string;
  name: string;
  avatar_url: string | null;
  messaging_disabled: boolean;
  mass_messaging: boolean;
  roles: Record<string, string>;
  spaces: Record<string, string>;
  /** The language the server speaks to this person: own choice, else the school's default, else the browser's. */
  language: "nb" | "nn" | "en";
  /** The person's own choice; null follows the school's default. */
  language_setting: "nb" | "nn" | "en" | null;
  /** The school's clock (IANA): times in the UI are shown on it. */
  time_zone: string;
  /** The server's decision: may this person set working hours (teachers and admins). */
  may_set_working_hours: boolean;
}

/** What the caller may do in a conversation: the server's decisions (`ConversationActions`). */
export interface ConversationActions {
  send: boolean;
  edit_own: boolean;
  moderate: boolean;
  see_reads: boolean;
  rename: boolean;
  add_participants: boolean;
  remove_participants: boolean;
  leave: boolean;
  close: boolean;
  delete: boolean;
  report: boolean;
}

export interface Conversation {
  id: number;
  kind: Kind;
  name: string;
  status: "open" | "closed" | "deleted";
  status_notice: string | null;
  /** §6.4: an admin switched messaging off for its course or project (the reference's sentence). */
  messaging_disabled_notice: string | null;
  space_id: number | null;
  last_activity_at: string;
  last_seq: number;
  read_seq: number;
  unread: number;
  /** Muted by the viewer: left out of the badge, never notified; the entry still shows its unread count. */
  muted: boolean;
  preview: { text: string; sender_id: number | null } | null;
  formal: boolean;
  created_by: number | null;
  /** What the caller may do here: the server's answer; the menus offer exactly these. */
  actions: ConversationActions;
  /** 1:1 and group: "Maria Jensen usually answers between 08:00 and 16:00" while outside a teacher's hours. */
  working_hours_notice?: string | null;
  /** "Sent to X people", fetched alone: whom it went to, each with their 1:1 (reached from here until answered). */
  recipients?: { id: number; name: string; conversation_id: number }[] | null;
}

/** "Read by 23 of 28": on the sender's own messages where they may see it (mass messages; teachers in courses). */
export interface ReadBy {
  read: number;
  total: number;
  text: string;
}

export interface Attachment {
  id: number;
  name: string;
  size: number;
  content_type: string;
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

export interface Person {
  id: number;
  name: string;
  title: string;
  avatar_url: string | null;
  initials: string;
  messaging_disabled: boolean;
}

export interface SpaceHit {
  id: number;
  kind: "course" | "project";
  name: string;
  participant_count: number;
}

export interface Participant extends Person {
  role: string;
  formal: boolean;
  relationship: { text: string }[];
}

export interface ApiErrorBody {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export interface RecipientOptions {
  scenario: string;
  choice_offered: boolean;
  modes: ("group" | "individual")[];
  unique_count: number;
  outcome: string;
  error: ApiErrorBody | null;
  error_on_send: ApiErrorBody | null;
  /** "Maria Jensen usually answers between 08:00 and 16:00" while outside a chosen teacher's working hours. */
  working_hours_notice?: string | null;
}

export interface Feedback {
  code: string; // cannot_participate, cannot_deliver or cannot_receive (§6.4)
  message: string;
}

export interface HubEvent {
  id: number;
  type: string;
  conversation_id: number | null;
  payload: Record<string, unknown>;
}

export interface EventsPage {
  events: HubEvent[];
  latest_id: number;
  more: boolean;
  reload: boolean;
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

/** GET /api/sso/orgs: a school that signs in with its identity provider (the login page's picker). */
export interface SignInChoice {
  org_id: number;
  org_name: string;
  provider: string;
  button: string;
  login_url: string;
}

/** GET /api/admin/orgs/{id}/identity-provider; the client secret is write-only and never comes back. */
export interface IdentityProvider {
  org_id: number;
  name: string;
  issuer: string;
  client_id: string;
  client_secret_set: boolean;
  link_by: "sourced_id" | "username" | "email";
  link_claim: string;
  extra_scopes: string;
  password_login: boolean;
  redirect_uri: string;
}
