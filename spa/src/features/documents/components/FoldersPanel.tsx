import { useId, useState, type CSSProperties, type FormEvent } from "react";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { ModalDialog } from "@/components/ModalDialog";
import { ProblemMessage } from "@/components/ProblemMessage";
import { ApiProblem } from "@/lib/problem";
import { useCreateFolder } from "../api/create-folder";
import { useDeleteFolder } from "../api/delete-folder";
import type { Folder } from "../api/list-folders";
import { useUpdateFolder } from "../api/update-folder";
import { folderAndDescendants, folderPath, folderRows } from "../folder-tree";
import { documentsText } from "../text";

const text = documentsText.folders;

type FolderEdit = { mode: "create" } | { mode: "rename"; folder: Folder } | { mode: "move"; folder: Folder };

/**
 * « Dossiers partagés »: one client's folders as a tree that filters the list, and, with
 * `documents:write`, create, rename, move and delete (confirmed; the API refuses a folder that
 * is not empty and says why).
 */
export function FoldersPanel({
  clientId,
  folders,
  loading,
  problem,
  emptyHint,
  selectedId,
  canWrite,
  onSelect,
  onNotice,
}: {
  /** Undefined: no client chosen yet, the panel says how to get one. */
  clientId: string | undefined;
  folders: readonly Folder[];
  loading: boolean;
  problem: ApiProblem | null;
  emptyHint: string;
  selectedId: string | undefined;
  canWrite: boolean;
  onSelect: (folderId: string | undefined) => void;
  onNotice: (notice: string) => void;
}) {
  const headingId = useId();
  const [edit, setEdit] = useState<FolderEdit | null>(null);
  const [toDelete, setToDelete] = useState<Folder | null>(null);
  const remove = useDeleteFolder();
  const selected = folders.find((folder) => folder.id === selectedId) ?? null;

  return (
    <section className="folders card" aria-labelledby={headingId} data-testid="folders">
      <div className="folders__header">
        <h2 id={headingId}>{text.heading}</h2>
        {canWrite && clientId && (
          <button type="button" className="button button--small" onClick={() => setEdit({ mode: "create" })}>
            {text.create}
          </button>
        )}
      </div>
      {!clientId && <p className="muted">{emptyHint}</p>}
      {problem && <ProblemMessage problem={problem} />}
      {clientId && loading && <p role="status">{text.loading}</p>}
      {clientId && (
        <ul className="folders__tree">
          <li>
            <button
              type="button"
              className="folders__item"
              aria-pressed={selectedId === undefined}
              onClick={() => onSelect(undefined)}
            >
              {text.all}
            </button>
          </li>
          {folderRows(folders).map(({ folder, depth }) => (
            <li key={folder.id} style={{ "--depth": depth } as CSSProperties}>
              <button
                type="button"
                className="folders__item folders__item--folder"
                aria-pressed={selectedId === folder.id}
                onClick={() => onSelect(folder.id)}
              >
                <span className="folders__icon" aria-hidden="true" />
                {folder.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      {clientId && !loading && folders.length === 0 && <p className="muted">{text.noneYet}</p>}
      {selected && (
        <div className="folders__selected">
          <p className="muted">{text.selected(folderPath(folders, selected.id))}</p>
          {canWrite && (
            <div className="folders__actions" role="group" aria-label={text.actionsLabel(selected.name)}>
              <button type="button" className="button button--small" onClick={() => setEdit({ mode: "rename", folder: selected })}>
                {text.rename}
              </button>
              <button type="button" className="button button--small" onClick={() => setEdit({ mode: "move", folder: selected })}>
                {text.move}
              </button>
              <button
                type="button"
                className="button button--small button--quiet"
                onClick={() => {
                  remove.reset();
                  setToDelete(selected);
                }}
              >
                {text.remove}
              </button>
            </div>
          )}
        </div>
      )}

      {clientId && (
        <FolderDialog
          edit={edit}
          clientId={clientId}
          folders={folders}
          defaultParentId={selectedId ?? null}
          onClose={() => setEdit(null)}
          onDone={(notice, folderId) => {
            setEdit(null);
            onNotice(notice);
            onSelect(folderId);
          }}
        />
      )}
      <ConfirmDialog
        open={toDelete !== null}
        title={text.confirmDeleteTitle}
        confirmLabel={text.remove}
        pending={remove.isPending}
        onCancel={() => setToDelete(null)}
        onConfirm={() => {
          if (!toDelete || !clientId) return;
          const { id, name } = toDelete;
          remove.mutate(
            { folderId: id, clientId },
            {
              onSuccess: () => {
                setToDelete(null);
                if (selectedId === id) onSelect(undefined);
                onNotice(text.deleted(name));
              },
            },
          );
        }}
      >
        <p>{toDelete ? text.confirmDelete(toDelete.name) : null}</p>
        {remove.error instanceof ApiProblem && <ProblemMessage problem={remove.error} />}
      </ConfirmDialog>
    </section>
  );
}

function FolderDialog({
  edit,
  clientId,
  folders,
  defaultParentId,
  onClose,
  onDone,
}: {
  edit: FolderEdit | null;
  clientId: string;
  folders: readonly Folder[];
  defaultParentId: string | null;
  onClose: () => void;
  onDone: (notice: string, folderId: string) => void;
}) {
  const title =
    edit?.mode === "rename" ? text.renameTitle(edit.folder.name) : edit?.mode === "move" ? text.moveTitle(edit.folder.name) : text.createTitle;
  return (
    <ModalDialog open={edit !== null} title={title} onClose={onClose}>
      {edit && (
        <FolderForm
          key={edit.mode === "create" ? "create" : `${edit.mode}-${edit.folder.id}`}
          edit={edit}
          clientId={clientId}
          folders={folders}
          defaultParentId={defaultParentId}
          onClose={onClose}
          onDone={onDone}
        />
      )}
    </ModalDialog>
  );
}

function FolderForm({
  edit,
  clientId,
  folders,
  defaultParentId,
  onClose,
  onDone,
}: {
  edit: FolderEdit;
  clientId: string;
  folders: readonly Folder[];
  defaultParentId: string | null;
  onClose: () => void;
  onDone: (notice: string, folderId: string) => void;
}) {
  const ids = useId();
  const editing = edit.mode === "create" ? null : edit.folder;
  const [name, setName] = useState(editing?.name ?? "");
  const [parentId, setParentId] = useState<string>((edit.mode === "move" ? editing?.parent_id : defaultParentId) ?? "");
  const create = useCreateFolder();
  const update = useUpdateFolder();
  const mutation = edit.mode === "create" ? create : update;
  // A folder never moves into itself or one of its sub-folders (the API refuses it too).
  const excluded = editing ? folderAndDescendants(folders, editing.id) : new Set<string>();
  const parents = folderRows(folders).filter(({ folder }) => !excluded.has(folder.id));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parent = parentId === "" ? null : parentId;
    if (edit.mode === "create") {
      create.mutate(
        { clientId, name: name.trim(), parentId: parent },
        { onSuccess: (folder) => onDone(text.created(folder.name), folder.id) },
      );
    } else if (edit.mode === "rename") {
      update.mutate(
        { folderId: edit.folder.id, name: name.trim() },
        { onSuccess: (folder) => onDone(text.renamed(folder.name), folder.id) },
      );
    } else {
      update.mutate(
        { folderId: edit.folder.id, parentId: parent },
        { onSuccess: (folder) => onDone(text.moved(folder.name), folder.id) },
      );
    }
  };

  return (
    <form className="stack" onSubmit={submit}>
      {mutation.error instanceof ApiProblem && <ProblemMessage problem={mutation.error} />}
      {edit.mode !== "move" && (
        <div className="field">
          <label htmlFor={`${ids}-name`}>{text.name}</label>
          <input
            id={`${ids}-name`}
            required
            maxLength={120}
            autoComplete="off"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
      )}
      {edit.mode !== "rename" && (
        <div className="field">
          <label htmlFor={`${ids}-parent`}>{edit.mode === "move" ? text.moveTo : text.parent}</label>
          <select id={`${ids}-parent`} value={parentId} onChange={(event) => setParentId(event.target.value)}>
            <option value="">{text.topLevel}</option>
            {parents.map(({ folder, depth }) => (
              <option key={folder.id} value={folder.id}>
                {`${"\u00a0\u00a0".repeat(depth)}${folder.name}`}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose} disabled={mutation.isPending}>
          {documentsText.cancel}
        </button>
        <button
          type="submit"
          className="button button--primary"
          disabled={mutation.isPending || (edit.mode !== "move" && name.trim() === "")}
        >
          {edit.mode === "create" ? text.createSubmit : edit.mode === "move" ? text.moveSubmit : text.save}
        </button>
      </div>
    </form>
  );
}
