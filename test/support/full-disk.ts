import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A real, small file system for full-disk tests: a tmpfs the test mounts and unmounts (needs root, which the
 * project's machines and CI have). `fill()` writes a filler file until the kernel answers ENOSPC, `free()`
 * deletes it. When mounting is not allowed, `mountSmallDisk` returns null and the caller falls back to SQLite's
 * own page limit (`max_page_count`), which makes SQLite return SQLITE_FULL the same way.
 */
export interface SmallDisk {
  readonly dir: string;
  /** Fills every free byte. */
  fill(): void;
  /** Frees what `fill` took. */
  free(): void;
  /** Remounts it read-only: every write fails with EROFS, for root too. */
  readOnly(): void;
  unmount(): void;
}

export function mountSmallDisk(kib = 1024): SmallDisk | null {
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-small-disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${kib}k`, "tmpfs", dir], { stdio: "ignore" });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  const filler = join(dir, "filler");
  return {
    dir,
    fill() {
      const fd = openSync(filler, "a");
      const chunk = Buffer.alloc(4096, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    readOnly() {
      execFileSync("mount", ["-o", "remount,ro", dir], { stdio: "ignore" });
    },
    unmount() {
      execFileSync("umount", [dir], { stdio: "ignore" });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
