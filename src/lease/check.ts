/** Checks on who holds a lease. */

/** True when `holder` (`host:pid:nonce`) names a process on this host that no longer exists. */
export function holderIsDeadHere(holder: string, here: string): boolean {
  const [host, pid] = holder.split(":");
  if (host !== here || !pid || !/^\d+$/.test(pid) || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
