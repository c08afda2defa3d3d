'use client';
import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A modal <dialog> (never alert/confirm): named by its heading, Escape closes it (native), focus
 * returns to the control that opened it.
 */
export function Dialog({ open, title, onClose, children }: { open: boolean; title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const opener = useRef<Element | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement;
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={() => {
        onClose();
        if (opener.current instanceof HTMLElement) opener.current.focus();
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (e.target === ref.current) ref.current?.close();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}

/** "Are you sure?" as a dialog with the consequence in words. */
export function ConfirmDialog(props: { open: boolean; title: string; body: ReactNode; confirm: string; onConfirm: () => void; onClose: () => void }) {
  return (
    <Dialog open={props.open} title={props.title} onClose={props.onClose}>
      <div className="stack">
        <div>{props.body}</div>
        <div className="row">
          <button type="button" className="danger" onClick={() => { props.onConfirm(); props.onClose(); }}>{props.confirm}</button>
          <button type="button" onClick={props.onClose}>Cancel</button>
        </div>
      </div>
    </Dialog>
  );
}
