/** The clerk window's terminal store: the window's one store (renderer/stores/terminal-store). */
export { windowStore as clerkStore } from '../stores/terminal-store';
