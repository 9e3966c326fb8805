// Runs when the app's entry loads, before any route renders: the data engine starts right away.
import { startEngine } from '#lib/engine/client.ts';

startEngine(location.href);
