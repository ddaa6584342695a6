// Browser entry of the LeRobot export: exposes the WebCodecs video encoder (videoEncoder.ts) on
// window.vlaVideo for scripts/exportLerobot.ts, then raises window.vlaReady.
import { videoAdd, videoDrop, videoFinish, videoRead, videoStart } from './videoEncoder';

const api = { videoStart, videoAdd, videoFinish, videoRead, videoDrop };
export type VideoApi = typeof api;

Object.assign(window, { vlaVideo: api, vlaReady: true });
