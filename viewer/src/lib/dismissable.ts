/**
 * Closes an open popup (menu, list, form) as a menu should: on Escape, on a press outside it, or
 * when the keyboard leaves it (left open, it covered what Tab went on to).
 * Put it on the element that holds both the popup and the control that opens it, so that control
 * keeps toggling it.
 *
 * - Escape is taken before anything else hears it: the page also closes the open conversation on
 *   Escape, and one key press should close one thing.
 * - The press that dismisses is swallowed, so a click beside an open menu does not also act on
 *   what is under it (open a session row). A press that never becomes a click (a drag) leaves
 *   nothing behind: the next press lifts the swallow first.
 */
export interface DismissOptions {
  open: boolean;
  close: () => void;
}

function swallowNextClick(): void {
  const eat = (event: MouseEvent): void => {
    event.preventDefault();
    event.stopPropagation();
    stop();
  };
  const stop = (): void => {
    document.removeEventListener('click', eat, true);
    document.removeEventListener('pointerdown', stop, true);
  };
  document.addEventListener('click', eat, true);
  // Added while the dismissing press is dispatched, so it first hears the next press.
  document.addEventListener('pointerdown', stop, true);
}

export function dismissable(node: HTMLElement, options: DismissOptions) {
  let current = options;
  let listening = false;

  const press = (event: PointerEvent): void => {
    if (event.target instanceof Node && node.contains(event.target)) return;
    swallowNextClick();
    current.close();
  };
  const key = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    const hadFocus = node.contains(document.activeElement);
    current.close();
    // Focus goes back to the control that opened it (a <details> summary, or the button that
    // says it expands something), not to a popup about to leave the page.
    if (hadFocus) node.querySelector<HTMLElement>('summary, [aria-expanded]')?.focus();
  };
  // Focus going nowhere (the window left, a press on the page) is not leaving: presses are handled above.
  const leave = (event: FocusEvent): void => {
    if (event.relatedTarget instanceof Node && !node.contains(event.relatedTarget)) current.close();
  };
  const listen = (on: boolean): void => {
    if (on === listening) return;
    listening = on;
    const method = on ? 'addEventListener' : 'removeEventListener';
    document[method]('pointerdown', press as EventListener, true);
    document[method]('keydown', key as EventListener, true);
    node[method]('focusout', leave as EventListener);
  };

  listen(current.open);
  return {
    update(next: DismissOptions) {
      current = next;
      listen(next.open);
    },
    destroy() {
      listen(false);
    },
  };
}
