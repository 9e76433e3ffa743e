// Copies a value the way a restart would see it (a JSON round trip) and deep-freezes the copy:
// what the store keeps in memory is exactly what is on disk, and readers cannot change it by accident.

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}

export function frozenJsonCopy<T>(value: T): T {
  return deepFreeze(JSON.parse(JSON.stringify(value)) as T);
}
