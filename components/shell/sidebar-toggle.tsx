'use client';
// The sidebar's collapse button: the choice is remembered in localStorage and applied before paint
// (app/sidebar-script.ts); without a choice the sidebar is collapsed below 1024 px.
import { useSyncExternalStore } from 'react';
import { SIDEBAR_STORAGE_KEY } from '@/app/sidebar-script';

const NARROW = '(max-width: 1023.98px)';
const CHANGE_EVENT = 'drover-sidebar-change';

function isCollapsed(): boolean {
  const chosen = document.documentElement.getAttribute('data-sidebar');
  if (chosen === 'collapsed' || chosen === 'expanded') return chosen === 'collapsed';
  return window.matchMedia(NARROW).matches;
}

function subscribe(onChange: () => void) {
  const media = window.matchMedia(NARROW);
  media.addEventListener('change', onChange);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    media.removeEventListener('change', onChange);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

export function SidebarToggle() {
  const collapsed = useSyncExternalStore(subscribe, isCollapsed, () => false);
  return (
    <button
      type="button"
      aria-label="Sidebar"
      aria-expanded={!collapsed}
      aria-controls="sidebar-nav"
      title={collapsed ? 'Expand the sidebar' : 'Collapse the sidebar'}
      onClick={() => {
        const next = collapsed ? 'expanded' : 'collapsed';
        try {
          localStorage.setItem(SIDEBAR_STORAGE_KEY, next);
        } catch {
          /* private mode: the choice lasts until reload */
        }
        document.documentElement.setAttribute('data-sidebar', next);
        window.dispatchEvent(new Event(CHANGE_EVENT));
      }}
      className="inline-flex h-8 w-8 shrink-0 items-center justify-center rounded-md text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
    >
      <span aria-hidden>{collapsed ? '»' : '«'}</span>
    </button>
  );
}
