// The options page's History section: list, open, delete and clear past
// runs (kept by run-history.js), and pruning when the limit is lowered.

import { Command, UserError } from '../common/messages.js';
import { onSettingsChanged } from '../common/settings.js';
import { registerCommands } from './command-registry.js';
import * as history from './run-history.js';

registerCommands('history-commands', {
  async [Command.ListRuns]() {
    const runs = await history.listRuns();
    return { runs, limitBytes: await history.limitBytes(), totalBytes: runs.reduce((sum, run) => sum + run.size, 0) };
  },

  async [Command.GetRun]({ runId }) {
    const run = await history.getRun(runId);
    if (!run) throw new UserError('That run is no longer in the history.');
    return run;
  },

  async [Command.DeleteRun]({ runId }) {
    await history.deleteRun(runId);
    return {};
  },

  async [Command.ClearRuns]() {
    await history.clearRuns();
    return {};
  },
});

// A smaller limit set in the options applies at once, not at the next scrape.
onSettingsChanged((changed) => {
  if ('historyLimitMB' in changed) history.limitBytes().then(history.prune).catch(() => {});
});
