// Runs before paint: applies the stored theme ("light" | "dark" | "system") so there is no flash.
export const THEME_STORAGE_KEY = 'drover-theme';

export const themeScript = `(function(){try{var t=localStorage.getItem('${THEME_STORAGE_KEY}');var d=t==='dark'||((!t||t==='system')&&window.matchMedia('(prefers-color-scheme: dark)').matches);document.documentElement.classList.toggle('dark',d);}catch(e){}})();`;
