// The API shapes the panel reads. Most are named from ui/schema.ts, which `make web` generates from the server's
// OpenAPI document with openapi-typescript (not committed), so the UI compiles against what the server sends; see
// /docs for the full description.
import type { components } from "./schema";

type Schemas = components["schemas"];

export type Kind = Schemas["ConversationKind"];
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
export type ReadBy = Schemas["ReadByOut"];
/** A message as every reader sees it; in a report's evidence it also carries its edit history. */
export type Message = Schemas["MessageOut"] & Partial<Pick<Schemas["EvidenceMessageOut"], "versions" | "kept_as_evidence">>;
/** §6.4: someone the message could not reach, and why (`cannot_participate`, `cannot_deliver`, `cannot_receive`). */
export type Feedback = Schemas["FeedbackOut"];
/** The answer to a send or a forward: the message, and whom it could not reach. */
export type Sent = Schemas["SentOut"];
export type Report = Schemas["ReportOut"];
export type ReportPage = Schemas["ReportPage"];
/** A page of a conversation's messages, newest last. */
export type HistoryPage = Schemas["HistoryPage"];
export type Participants = Schemas["ParticipantsOut"];
/** A person in an org's admin list. */
export type AdminPerson = Schemas["AdminPersonOut"];
export type AdminPeoplePage = Schemas["AdminPeoplePage"];
/** A signed-in session: the CSRF token to send with every change. */
export type Session = Schemas["SessionOut"];
/** POST /api/sso/logout: where to end the session at the school's identity provider, if it has one. */
export type LoggedOut = Schemas["LogoutOut"];
export type ConversationPage = Schemas["ConversationPage"];
/** GET /api/unread: the badge. */
export type Badge = Schemas["BadgeOut"];
/** The answer to starting a conversation (with or without its first message). */
export type Started = Schemas["StartedOut"];
export type SearchHit = Schemas["SearchHit"];
export type SearchPage = Schemas["SearchOut"];
/** "Read by X of Y" with one page of the readers (or of those who have not read it). */
export type ReadsPage = Schemas["ReadsOut"];
export type WorkingHours = Schemas["WorkingHoursOut"];
export type Hours = Schemas["WorkingHoursIn"];
export type Preferences = Schemas["PreferencesOut"];
export type SchoolSettings = Schemas["SchoolSettingsOut"];
export type MassTargets = Schemas["MassTargetsOut"];
export type MassJob = Schemas["MassMessageJobOut"];
export type Org = Schemas["OrgOut"];
export type Space = Schemas["SpaceOut"];
export type Rule = Schemas["RuleOut"];
export type Lead = Schemas["LeadOut"];
export type RosterJob = Schemas["RosterJobOut"];
export type LtiTool = Schemas["ToolOut"];
export type LtiPlatform = Schemas["PlatformOut"];
export type RetentionSetting = Schemas["RetentionSettingOut"];
export type RetentionCounts = Schemas["RetentionCounts"];
export type RetentionRun = Schemas["RetentionRunOut"];
export type DataExport = Schemas["ExportOut"];
export type Erasure = Schemas["ErasureOut"];

