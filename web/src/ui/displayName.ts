const KEY = 'video-rooms.displayName';

export const loadDisplayName = (): string => localStorage.getItem(KEY) ?? '';
export const saveDisplayName = (name: string): void => localStorage.setItem(KEY, name.trim().slice(0, 64));
