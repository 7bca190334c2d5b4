'use client';
import { useEffect } from 'react';
import { THEME_STORAGE_KEY } from '@/app/theme-script';
import { useStoredString } from '@/components/ui/use-stored-string';
import { nextTheme, type Theme } from './next-theme';

const LABEL: Record<Theme, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };
const ICON: Record<Theme, string> = { system: '◐', light: '☀', dark: '☾' };

const asTheme = (stored: string | null): Theme => (stored === 'light' || stored === 'dark' ? stored : 'system');

function systemIsDark(): boolean {
  return window.matchMedia('(prefers-color-scheme: dark)').matches;
}

function apply(theme: Theme) {
  document.documentElement.classList.toggle('dark', theme === 'dark' || (theme === 'system' && systemIsDark()));
}

/** Follows the system by default; each click flips light ↔ dark (see nextTheme), remembered in localStorage. */
export function ThemeToggle() {
  const [stored, setStored] = useStoredString(THEME_STORAGE_KEY);
  const theme = asTheme(stored);
  useEffect(() => {
    apply(theme);
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const onSystemChange = () => apply(theme);
    media.addEventListener('change', onSystemChange);
    return () => media.removeEventListener('change', onSystemChange);
  }, [theme]);
  return (
    <button
      type="button"
      aria-label={LABEL[theme]}
      title={LABEL[theme]}
      data-theme-choice={theme}
      onClick={() => setStored(nextTheme(theme, systemIsDark()))}
      className="inline-flex h-8 w-8 items-center justify-center rounded-md text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
    >
      <span aria-hidden>{ICON[theme]}</span>
    </button>
  );
}
