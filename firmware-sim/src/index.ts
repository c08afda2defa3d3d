export { SimPlayer, type PlayerCredentials, type SimPlayerOptions } from './player.ts';
export { DeviceHttp } from './http.ts';
export { provisionPlayer, loadFleetState, saveFleetState, type RegisterFn } from './fleet.ts';
export { ownerSession } from './owner-session.ts';
export { startPlayback, type PlaybackOptions } from './playback.ts';
