'use client';
import { useEffect, useSyncExternalStore } from 'react';
import { THEME_STORAGE_KEY } from '@/app/theme-script';
import { nextTheme, type Theme } from './next-theme';

const LABEL: Record<Theme, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };
const ICON: Record<Theme, string> = { system: '◐', light: '☀', dark: '☾' };
const CHANGE_EVENT = 'drover-theme-change';

function readTheme(): Theme {
  const stored = localStorage.getItem(THEME_STORAGE_KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

function systemIsDark(): boolean {
  return window.matchMedia('(prefers-color-scheme: dark)').matches;
}

function apply(theme: Theme) {
  document.documentElement.classList.toggle('dark', theme === 'dark' || (theme === 'system' && systemIsDark()));
}

function subscribe(onChange: () => void) {
  window.addEventListener('storage', onChange);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener('storage', onChange);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

/** Follows the system by default; each click flips light ↔ dark (see nextTheme), remembered in localStorage. */
export function ThemeToggle() {
  const theme = useSyncExternalStore(subscribe, readTheme, () => 'system' as Theme);
  useEffect(() => {
    apply(theme);
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const onSystemChange = () => apply(readTheme());
    media.addEventListener('change', onSystemChange);
    return () => media.removeEventListener('change', onSystemChange);
  }, [theme]);
  return (
    <button
      type="button"
      aria-label={LABEL[theme]}
      title={LABEL[theme]}
      data-theme-choice={theme}
      onClick={() => {
        localStorage.setItem(THEME_STORAGE_KEY, nextTheme(theme, systemIsDark()));
        window.dispatchEvent(new Event(CHANGE_EVENT));
      }}
      className="inline-flex h-8 w-8 items-center justify-center rounded-md text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
    >
      <span aria-hidden>{ICON[theme]}</span>
    </button>
  );
}
