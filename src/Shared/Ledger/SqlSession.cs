using System.Data.Common;

namespace Mpp.Client.Ledger.Sql;

/// <summary>One transaction of a <see cref="SqlStore"/>: commands with positional parameters <c>@p0</c>, <c>@p1</c>, ...</summary>
internal abstract class SqlSession : IAsyncDisposable
{
    /// <summary>A command for <paramref name="sql"/> in this transaction, with <paramref name="parameterCount"/> parameters <c>@p0</c>...</summary>
    protected abstract DbCommand Command(string sql, int parameterCount);

    private List<Action>? _afterCommit;

    /// <summary>Commits, then runs what was registered with <see cref="AfterCommit"/>; without a commit, disposing rolls back.</summary>
    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        await CommitCoreAsync(cancellationToken).ConfigureAwait(false);
        _afterCommit?.ForEach(static a => a());
    }

    /// <summary>Runs <paramref name="action"/> once the transaction committed (in-process caches of what it wrote).</summary>
    public void AfterCommit(Action action) => (_afterCommit ??= []).Add(action);

    /// <summary>Commits the transaction.</summary>
    protected abstract ValueTask CommitCoreAsync(CancellationToken cancellationToken);

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();

    public async ValueTask<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] values) =>
        await Prepare(sql, values).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params object?[] values)
    {
        var value = await Prepare(sql, values).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    /// <summary>
    /// Sends <paramref name="statements"/> in one round trip, in order, in this transaction: the first row of each statement
    /// that returns rows (in order), and the rows each statement changed.
    /// </summary>
    public virtual Task<(List<object?[]> Rows, int[] Changed)> PipelineAsync(IReadOnlyList<(string Sql, object?[] Values)> statements, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<DbDataReader> ReadAsync(string sql, CancellationToken cancellationToken, params object?[] values) =>
        Prepare(sql, values).ExecuteReaderAsync(cancellationToken);

    private DbCommand Prepare(string sql, object?[] values)
    {
        var command = Command(sql, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return command;
    }
}
