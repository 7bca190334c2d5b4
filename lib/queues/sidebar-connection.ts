/** A saved view in the sidebar, under its queue (lib/views). */
export type SidebarView = { id: string; queue: string; name: string; shared: boolean };

/** One connection in the sidebar: its queues (from cached discovery), the views the user sees there and, when it is down, why. */
export type SidebarConnection = { name: string; endpoint: string; readOnly: boolean; queues: string[]; views?: SidebarView[]; error?: string };
