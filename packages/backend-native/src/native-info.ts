// Availability and build facts of the native kernels, for apps choosing a backend.
import { loadAddon, type OpenBlasInfo } from './addon.js';

/** True when the addon is built and loads. */
export function isNativeAvailable(): boolean {
  return loadAddon().addon !== null;
}

/** What the native path runs on; `available: false` carries the reason (a one-line notice for the app to show). */
export type NativeInfo = ({ available: true; origin: 'source' | 'prebuilt' } & OpenBlasInfo) | { available: false; reason: string };

export function nativeInfo(): NativeInfo {
  const { addon, reason, origin } = loadAddon();
  return addon ? { available: true, origin: origin!, ...addon.info() } : { available: false, reason };
}
