import { useCallback, useRef, useState } from 'react';
import { loadUserScenarios, newUserScenario, saveUserScenarios, type UserScenario } from '../io/userScenarios';

/** localStorage, or null where the browser refuses it (privacy settings, sandboxed iframes). */
function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** The user's own scenarios (the editor and the library), kept in browser storage. */
export interface UserScenariosState {
  scenarios: UserScenario[];
  /** The id of the scenario open in the editor (null: none). */
  editing: string | null;
  setEditing(id: string | null): void;
  /** Why the list could not be read or stored (null: no problem); the list then lives in the page only. */
  storageProblem: string | null;
  /** Stores a changed scenario. */
  storeOne(s: UserScenario): void;
  /** Adds a new scenario (text `text`, a file name made unique from `base`) and edits it. */
  add(base: string, text: string): void;
  /** Deletes scenario `id`; the editor moves to the first one left. */
  remove(id: string): void;
}

/** Loads the user's scenarios on the first render; every change is stored at once. */
export function useUserScenarios(): UserScenariosState {
  const [stored] = useState(() => loadUserScenarios(browserStorage()));
  const [scenarios, setScenarios] = useState<UserScenario[]>(stored.scenarios);
  const [editing, setEditing] = useState<string | null>(() => stored.scenarios[0]?.id ?? null);
  const [storageProblem, setStorageProblem] = useState<string | null>(stored.problem);
  const listRef = useRef(scenarios);
  listRef.current = scenarios;

  /** Stores the list in browser storage; a refusal is shown, and the list stays in the page. */
  const store = useCallback((list: UserScenario[]) => {
    setScenarios(list);
    setStorageProblem(saveUserScenarios(browserStorage(), list));
  }, []);
  const storeOne = useCallback((s: UserScenario) => store(listRef.current.map((x) => (x.id === s.id ? s : x))), [store]);
  const add = useCallback(
    (base: string, text: string) => {
      const r = newUserScenario(listRef.current, base, text);
      store([...listRef.current, r.scenario]);
      setEditing(r.scenario.id);
    },
    [store],
  );
  const remove = useCallback(
    (id: string) => {
      const rest = listRef.current.filter((s) => s.id !== id);
      store(rest);
      setEditing(rest[0]?.id ?? null);
    },
    [store],
  );
  return { scenarios, editing, setEditing, storageProblem, storeOne, add, remove };
}
