// Stations and services for the filters and pickers (read once per page load).
import { ref } from 'vue';
import { api } from './api';

export interface StationRow {
  stationId: string;
  name: string;
  divisionCode: string;
  level: string;
  terminals: number;
  revoked: number;
  /** Active station hubs: more than one is a fault (two queues in one hall). */
  hubs: number;
}
export const stations = ref<StationRow[]>([]);
export const services = ref<{ code: string; name: string }[]>([]);
/** 通办: the division registry (GB/T 2260 rows the platform knows). */
export interface DivisionRow {
  code: string;
  name: string;
  fullName: string;
  level: string;
}
export const divisions = ref<DivisionRow[]>([]);
let loaded: Promise<void> | null = null;

export function loadMeta(force = false): Promise<void> {
  if (!loaded || force) {
    loaded = api<{ stations: StationRow[]; services: { code: string; name: string }[]; divisions?: DivisionRow[] }>('GET', '/meta').then(
      (r) => {
        stations.value = r.stations;
        services.value = r.services;
        divisions.value = r.divisions ?? [];
      },
      (e: unknown) => {
        loaded = null;
        throw e;
      },
    );
  }
  return loaded;
}

export const stationName = (id: string) => stations.value.find((s) => s.stationId === id)?.name ?? id;
export const divisionName = (code: string) => divisions.value.find((d) => d.code === code)?.fullName ?? code;
