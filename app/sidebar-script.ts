// Runs before paint: applies the remembered sidebar choice ("collapsed" | "expanded") as
// <html data-sidebar>. Without a choice the attribute stays off and CSS collapses the sidebar below
// 1024 px (the `sidebar-collapsed` variant in globals.css), so there is no flash either way.
export const SIDEBAR_STORAGE_KEY = 'drover-sidebar';

export const sidebarScript = `(function(){try{var s=localStorage.getItem('${SIDEBAR_STORAGE_KEY}');if(s==='collapsed'||s==='expanded')document.documentElement.setAttribute('data-sidebar',s);}catch(e){}})();`;
