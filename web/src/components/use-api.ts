/**
 * Loads data from the node for a screen: the answer, the error (an ApiError with its problem) and
 * a reload function. A newer load supersedes an older one, so a slow answer never overwrites a
 * fresh one.
 */
import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';

export type ApiState<T> = Readonly<{
  data: T | undefined;
  error: unknown;
  isLoading: boolean;
  reload: () => void;
  /** Replaces the data locally (after a save), without calling the node. */
  setData: (data: T) => void;
}>;

export function useApi<T>(load: () => Promise<T>, deps: DependencyList): ApiState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [isLoading, setIsLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what `load` depends on.
  useEffect(() => {
    const ticket = ++latest.current;
    setIsLoading(true);
    setError(undefined);
    load()
      .then((answer) => {
        if (ticket === latest.current) setData(answer);
      })
      .catch((failure: unknown) => {
        if (ticket === latest.current) setError(failure);
      })
      .finally(() => {
        if (ticket === latest.current) setIsLoading(false);
      });
  }, [...deps, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, isLoading, reload, setData };
}
