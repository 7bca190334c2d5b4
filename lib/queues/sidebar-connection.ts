/** One connection in the sidebar: its queues (from cached discovery) and, when it is down, why. */
export type SidebarConnection = { name: string; endpoint: string; readOnly: boolean; queues: string[]; error?: string };
