using Mpp.Cli;

return await CliApp.RunAsync(args).ConfigureAwait(false);
