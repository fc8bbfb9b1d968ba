// The demo learning-platform page: main menu, chat bubble with badge, the messages panel, real time, tools.

import { ensureCsrf, forgetCsrf, get, post, rememberCsrf } from "./api";
import { announce, byId, h, replace } from "./dom";
import { newMessageView } from "./compose";
import { ConversationView } from "./conversation";
import { Panel, type View } from "./panel";
import { mayAdminister, mayReviewReports, maySendMass, maySetWorkingHours } from "./permissions";
import { Realtime } from "./realtime";
import { SettingsView } from "./settings";
import { apply, refresh, state } from "./state";
import { t, translatePage, useLanguage } from "./i18n";
import { languageMenu } from "./language";
import { massMessagingPage } from "./mass";
import { loadNotificationTexts, notificationsView } from "./notifications";
import { profilePage } from "./profile";
import { adminPage, participantsPage, reportsPage } from "./tools";
import type { Conversation, LoggedOut, Me, Message } from "./types";

let panel: Panel;
/** Inside a learning platform's frame (/embed, after an LTI launch): the panel alone, open, and no platform around it. */
const embedded = document.body.classList.contains("embedded");

function openView(id: number, focusSeq?: number): View {
  return new ConversationView(id, {
    back: () => panel.back(),
    settings: (c: Conversation) => panel.push(settingsView(c)),
    open: (to: number) => panel.openConversation(to),
    forward: (message: Message) => panel.push(newMessageView(() => panel.back(), (to) => panel.openConversation(to), { message })),
  }, focusSeq);
}

function settingsView(c: Conversation): View {
  return new SettingsView(c, {
    back: () => panel.back(),
    openAt: (id, seq) => panel.openConversation(id, seq),
    list: () => panel.reset(),
  });
}

async function route(): Promise<void> {
  const main = byId("content");
  const hash = location.hash;
  try {
    if (hash === "#reports" && mayReviewReports()) await reportsPage(main, (id) => panel.openConversation(id));
    else if (hash === "#admin" && mayAdminister()) await adminPage(main);
    else if (hash === "#settings" && maySetWorkingHours()) await profilePage(main);
    else if (hash === "#mass" && maySendMass()) await massMessagingPage(main, (id) => panel.openConversation(id));
    else if (hash.startsWith("#participants-")) await participantsPage(main, Number(hash.slice("#participants-".length)));
    else if (/^#c\d+$/.test(hash)) panel.openConversation(Number(hash.slice(2)));  // a link to a conversation
    else home(main);
  } catch (e) {
    replace(main, h("p", { class: "error", role: "alert" }, (e as Error).message));
  }
  main.focus();
}

function home(main: HTMLElement): void {
  const spaces = Object.keys(state.me.spaces).length;
  replace(main,
    h("h1", {}, t("home.welcome", { name: state.me.name })),
    h("p", {}, t("home.intro")),
    h("div", { class: "cards" },
      h("section", { class: "card" }, h("h2", {}, t("home.courses")), h("p", {}, spaces === 0 ? t("home.no_spaces") : t("home.spaces", { count: spaces }))),
      h("section", { class: "card" }, h("h2", {}, t("home.calendar")), h("p", {}, t("home.nothing_due"))),
      h("section", { class: "card" }, h("h2", {}, t("home.resources")), h("p", {}, t("home.resources_text")))));
}

function menu(): void {
  const links = byId("menu-links");
  replace(links,
    h("li", {}, h("a", { href: "#home" }, t("menu.home"))),
    mayReviewReports() ? h("li", {}, h("a", { href: "#reports", id: "reports-link" }, t("menu.reports"))) : null,
    mayAdminister() ? h("li", {}, h("a", { href: "#admin" }, t("menu.admin"))) : null,
    maySendMass() ? h("li", {}, h("a", { href: "#mass" }, t("menu.mass"))) : null,
    maySetWorkingHours() ? h("li", {}, h("a", { href: "#settings" }, t("menu.settings"))) : null);
  byId("user-name").replaceWith(languageMenu(state.me));
  byId("logout").addEventListener("click", async () => {
    const ended = await post<LoggedOut>("/api/sso/logout").catch(() => null);
    forgetCsrf();
    // signed in by the school's provider: end that session too, which comes back to the login page
    location.assign(ended?.end_session_url ?? "/login");
  });
}

async function main(): Promise<void> {
  // A launch sets only the cookie: the framed page brings the session's CSRF token for the writes.
  if (document.body.dataset.csrf) rememberCsrf(document.body.dataset.csrf);
  await ensureCsrf(); // a single sign-on sets only the cookie too: ask for the session's token
  state.me = await get<Me>("/api/me");
  useLanguage(state.me.language, state.me.time_zone);
  translatePage();
  await loadNotificationTexts();
  menu();
  panel = new Panel({
    newMessage: () => newMessageView(() => panel.back(), (id) => panel.openConversation(id)),
    open: openView,
    notifications: () => notificationsView(() => panel.back()),
  });
  const realtime = new Realtime({
    event: (event) => {
      panel.dispatch(event);
      if (event.type === "report.created" && location.hash === "#reports") void route();
      else if (event.type === "report.created") announce(t("reports.new_waiting"));
      if (!apply(event)) void refresh();
    },
    reload: () => { void refresh(); panel.reset(); },
    state: (s) => {
      panel.setConnection(s === "live" ? null : s === "connecting" ? t("panel.connecting") : t("panel.reconnecting"));
      document.body.dataset.connection = s;
    },
  });
  window.addEventListener("hashchange", () => void route());
  try {
    await refresh(); // a person whose messaging is disabled learns it here, in the server's words
  } catch (e) {
    panel.unavailable((e as Error).message);
    return route();
  }
  await realtime.start();
  await refresh();
  if (embedded) panel.show();
  await route();
  openLinkedConversation();
}

/** An email or push links to /?conversation=ID: open it, and leave the address as it was. */
function openLinkedConversation(): void {
  const params = new URLSearchParams(location.search);
  const id = Number(params.get("conversation"));
  if (!Number.isInteger(id) || id <= 0) return;
  history.replaceState(null, "", location.pathname + location.hash);
  panel.openConversation(id);
}

void main();
