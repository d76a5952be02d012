import { de } from './de.ts';

// The UI speaks German; every user-facing string lives in one catalogue so that another
// language can be added as a second object of the same shape.
export type MessageKey = keyof typeof de;
export type Catalogue = Record<MessageKey, string>;
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const catalogues: Record<string, Catalogue> = { de };

export function translator(locale = 'de'): Translate {
  const catalogue = catalogues[locale] ?? de;
  return (key, params) => {
    const entry = catalogue[key];
    if (entry === undefined) throw new Error(`Missing UI string "${key}"`);
    if (!params) return entry;
    // "{count} Eintrag|{count} Einträge": singular before the bar, plural after it.
    const forms = entry.split('|');
    const text = forms.length === 2 && typeof params.count === 'number' ? forms[params.count === 1 ? 0 : 1]! : entry;
    return text.replace(/\{(\w+)\}/g, (match, name: string) =>
      params[name] === undefined ? match : formatParam(params[name]),
    );
  };
}

const numberFormat = new Intl.NumberFormat('de-DE');
const formatParam = (value: string | number) => (typeof value === 'number' ? numberFormat.format(value) : value);

/** The default translator (German). */
export const t: Translate = translator('de');

/** 1234 → "1.234" */
export const formatNumber = (value: number) => numberFormat.format(value);
