import { useCallback, useState } from 'react';
import type { InspectorTab } from '../panels/Inspector';

/** What the user picked to inspect: a server, a message, and the inspector's open tab. */
export interface Selection {
  /** The chosen server (null: none chosen; the page then shows the leader or the first server). */
  server: string | null;
  /** The chosen message id (null: none). */
  message: number | null;
  tab: InspectorTab;
  setTab(tab: InspectorTab): void;
  /** Selects a server and opens the server tab. */
  selectServer(id: string): void;
  /** Selects a message and opens the message tab. */
  selectMessage(id: number): void;
  /** Forgets both (a new run). */
  clear(): void;
}

/** The selection of the inspector, shared by the ring, the timeline, the logs and the why feed. */
export function useSelection(): Selection {
  const [server, setServer] = useState<string | null>(null);
  const [message, setMessage] = useState<number | null>(null);
  const [tab, setTab] = useState<InspectorTab>('server');
  const selectServer = useCallback((id: string) => {
    setServer(id);
    setTab('server');
  }, []);
  const selectMessage = useCallback((id: number) => {
    setMessage(id);
    setTab('message');
  }, []);
  const clear = useCallback(() => {
    setMessage(null);
    setServer(null);
  }, []);
  return { server, message, tab, setTab, selectServer, selectMessage, clear };
}
