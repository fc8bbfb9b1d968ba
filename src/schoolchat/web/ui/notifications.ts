// Notification settings (issue 13): how often emails come, and push notifications on this device (opt-in).
// The service worker (sw.ts, served at /sw.js so that its scope is the whole site) shows the pushes.

import { del, get, post, put } from "./api";
import { announce, attempt, h, replace } from "./dom";
import type { View } from "./panel";
import { backButton } from "./panel";
import type { Preferences, SchoolSettings } from "./types";


/** The sentences of the notification settings and the mute action, as the server words them. */
export const notificationTexts: Record<string, string> = {};

export async function loadNotificationTexts(): Promise<Preferences> {
  const preferences = await get<Preferences>("/api/me/notifications");
  Object.assign(notificationTexts, preferences.texts);
  return preferences;
}

function pushSupported(): boolean {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const raw = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (base64url.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration("/");
  return registration ? registration.pushManager.getSubscription() : null;
}

async function turnPushOn(key: string): Promise<void> {
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  if (await Notification.requestPermission() !== "granted") throw new Error(notificationTexts.push_denied);
  const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  await post("/api/push/subscriptions", subscription.toJSON());
}

async function turnPushOff(): Promise<void> {
  const subscription = await currentSubscription();
  if (!subscription) return;
  await del(`/api/push/subscriptions?endpoint=${encodeURIComponent(subscription.endpoint)}`);
  await subscription.unsubscribe();
}

/** The admin's control over an organisation's notifications: default, message text, quiet hours (read on the
 *  org's time zone, which the admin page's time zone form sets). */
export function schoolNotificationsForm(orgId: number, settings: SchoolSettings): HTMLElement {
  const t = notificationTexts;
  const field = (id: string, label: string, control: HTMLElement): HTMLElement => h("p", {}, h("label", { for: id }, label), " ", control);
  const mode = h("select", { id: "school-email-default" },
    ...(["off", "soon", "hourly", "daily"] as const).map((m) => h("option", { value: m, selected: m === settings.email_default }, t[`email_${m}`]))) as HTMLSelectElement;
  const text = h("input", { id: "school-include-text", type: "checkbox", checked: settings.include_text }) as HTMLInputElement;
  const start = h("input", { id: "school-quiet-start", type: "time", value: settings.quiet_start ?? "" }) as HTMLInputElement;
  const end = h("input", { id: "school-quiet-end", type: "time", value: settings.quiet_end ?? "" }) as HTMLInputElement;
  const weekends = h("input", { id: "school-quiet-weekends", type: "checkbox", checked: settings.quiet_weekends }) as HTMLInputElement;
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    await attempt(() => put(`/api/admin/orgs/${orgId}/notifications`, {
      email_default: mode.value, include_text: text.checked,
      quiet_start: start.value || null, quiet_end: end.value || null, quiet_weekends: weekends.checked,
    }), t.school_saved);
  };
  return h("form", { class: "card", onsubmit: save },
    h("h2", {}, t.school_title), h("p", {}, t.school_intro),
    field("school-email-default", t.school_default, mode),
    field("school-include-text", t.school_include_text, text),
    field("school-quiet-start", t.school_quiet_start, start),
    field("school-quiet-end", t.school_quiet_end, end),
    field("school-quiet-weekends", t.school_quiet_weekends, weekends),
    h("p", { class: "detail" }, t.school_quiet_help),
    h("button", { type: "submit", class: "button primary" }, t.school_save));
}

export function notificationsView(back: () => void): View {
  const body = h("div", { class: "notification-settings" });
  const el = h("section", { class: "view", "aria-labelledby": "notifications-title" },
    h("div", { class: "view-header" }, backButton(back), h("h3", { id: "notifications-title" }, notificationTexts.title)), body);
  void render(body);
  return { el };
}

async function render(body: HTMLElement): Promise<void> {
  const preferences = await loadNotificationTexts();
  const t = notificationTexts;
  const select = h("select", { id: "email-mode" },
    h("option", { value: "" }, `${t.email_school_default} (${t[`email_${preferences.school_default}`]})`),
    ...(["off", "soon", "hourly", "daily"] as const).map((mode) => h("option", { value: mode }, t[`email_${mode}`])));
  (select as HTMLSelectElement).value = preferences.own ?? "";
  select.addEventListener("change", () => void attempt(() => put("/api/me/notifications", { email: (select as HTMLSelectElement).value || null }), t.saved));
  const push = h("div", { class: "push-setting" });
  replace(body,
    h("label", { for: "email-mode" }, t.email_label), select,
    preferences.has_email_address ? null : h("p", { class: "detail" }, t.no_email_address),
    h("h4", {}, t.push_label), push);
  await renderPush(push, preferences);
}

async function renderPush(push: HTMLElement, preferences: Preferences): Promise<void> {
  const t = notificationTexts;
  if (!preferences.push_available || !preferences.vapid_public_key) return replace(push, h("p", {}, t.push_unavailable));
  if (!pushSupported()) return replace(push, h("p", {}, t.push_unsupported));
  const key = preferences.vapid_public_key;
  const on = (await currentSubscription()) !== null;
  const toggle = async (): Promise<void> => {
    try {
      await (on ? turnPushOff() : turnPushOn(key));
      announce(on ? t.push_turned_off : t.push_turned_on);
    } catch (e) {
      announce((e as Error).message, "error");
    }
    await renderPush(push, preferences);
  };
  replace(push, h("p", { role: "status" }, on ? t.push_is_on : t.push_is_off),
    h("button", { type: "button", class: "button", id: "push-toggle", onclick: () => void toggle() }, on ? t.push_off : t.push_on));
}
