// The UI's sentences in the reader's language (nb, nn, en): i18next with the catalogs in ui/locales, bundled by
// esbuild. Keys are codes; parameters are {{name}}; counts pick i18next plurals (`sent_to_one`, `sent_to_other`).
// Times and dates are written in the same locale, on the school's clock (the time zone /api/me gives).

import i18next from "i18next";
import en from "./locales/en.json";
import nb from "./locales/nb.json";
import nn from "./locales/nn.json";

export type Language = "nb" | "nn" | "en";
export const LANGUAGES: readonly Language[] = ["nb", "nn", "en"];

type CatalogKey = keyof typeof en;
/** A key of the catalog, or the base of a plural key (called with `count`) or of a context key (`context`). */
export type Key = CatalogKey | (CatalogKey extends infer K ? (K extends `${infer Base}_${"one" | "other" | "on" | "off"}` ? Base : never) : never);

const NAMES: Record<Language, Key> = { nb: "language.nb", nn: "language.nn", en: "language.en" };

/** A language by its own name ("Norsk nynorsk"), as language menus show them. */
export function languageName(l: Language): string {
  return t(NAMES[l]);
}

let timeZone: string | undefined;

/** Before /api/me answers (and when it names no language): the browser's, if it is one of ours. */
function browserLanguage(): Language {
  const tag = (navigator.language || "en").toLowerCase();
  if (tag.startsWith("nn")) return "nn";
  if (tag.startsWith("nb") || tag.startsWith("no")) return "nb";
  return "en";
}

void i18next.init({
  resources: { en: { translation: en }, nb: { translation: nb }, nn: { translation: nn } },
  lng: browserLanguage(),
  fallbackLng: false,
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false }, // every sentence goes into textContent or an attribute, never into HTML
  returnNull: false,
  initAsync: false,
});

export function t(key: Key, params: Record<string, string | number> = {}): string {
  return i18next.t(key, params);
}

export function language(): Language {
  return i18next.language as Language;
}

/** Use `lang` (else the browser's) and `zone` from now on; `<html lang>` follows. */
export function useLanguage(lang: string | null | undefined, zone?: string | null): void {
  const chosen = LANGUAGES.find((l) => l === lang) ?? browserLanguage();
  void i18next.changeLanguage(chosen);
  document.documentElement.lang = chosen;
  timeZone = zone ?? undefined;
}

/** The page's own elements (app.html): `data-i18n` names the key of the text, `data-i18n-label` of aria-label. */
export function translatePage(): void {
  document.title = t("page.title");
  document.querySelectorAll<HTMLElement>("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n as Key); });
  document.querySelectorAll<HTMLElement>("[data-i18n-label]").forEach((el) => {
    el.setAttribute("aria-label", t(el.dataset.i18nLabel as Key));
  });
}

function format(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(language(), { timeZone, ...options });
}

/** "18:23" today, "2. des." another day (en: "06:23 PM", "Dec 2"), on the school's clock; the title has both. */
export function shortTime(date: Date): { text: string; full: string } {
  const day = format({ year: "numeric", month: "numeric", day: "numeric" });
  const today = day.format(date) === day.format(new Date());
  const text = today ? format({ hour: "2-digit", minute: "2-digit" }).format(date) : format({ day: "numeric", month: "short" }).format(date);
  return { text, full: format({ dateStyle: "medium", timeStyle: "short" }).format(date) };
}

const ROLES: Record<string, Key> = { student: "role.student", teacher: "role.teacher", admin: "role.admin" };
const ORG_KINDS: Record<string, Key> = { school: "admin.kind_school", department: "admin.kind_department", district: "admin.kind_district" };

/** A role as the server names it ("teacher"), in the reader's words; an unknown one as it came. */
export function roleLabel(role: string): string {
  return ROLES[role] ? t(ROLES[role]) : role;
}

/** An organisation's kind ("school", "department") in the reader's words. */
export function orgKindLabel(kind: string): string {
  return ORG_KINDS[kind] ? t(ORG_KINDS[kind]) : kind;
}
