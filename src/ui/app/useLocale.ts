import { useCallback, useState } from 'react';
import { initialLocale, saveLocale, setLocale, type Locale } from '../i18n';

/**
 * The page's language: a share link's, else the remembered one, else the browser's. `t()` reads a
 * module-level locale, so it is set on every render before any child calls `t()`.
 */
export function useLocale(fromLink: Locale | null): { lang: Locale; changeLang(l: Locale): void } {
  const [lang, setLang] = useState<Locale>(() => {
    const l = fromLink ?? initialLocale();
    setLocale(l);
    return l;
  });
  setLocale(lang);
  /** Switches the language and remembers it. */
  const changeLang = useCallback((l: Locale) => {
    setLocale(l);
    saveLocale(l);
    setLang(l);
  }, []);
  return { lang, changeLang };
}
