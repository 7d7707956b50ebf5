namespace SupportBot.Skills.SelfHelp.Sandbox;

/// <summary>
/// A local stand-in for Microsoft Graph v1.0 with a demo tenant (contoso.com), for development and tests: the real
/// Graph SDK is pointed at it (see <see cref="GraphSandboxExtensions.MapGraphSandbox"/>) and runs its whole path —
/// request building, JSON, paging, errors, retries — over HTTP. Faults can be injected and every request is recorded.
/// One per host (a singleton); its state lives as long as it does.
/// </summary>
public sealed class GraphSandbox(TimeProvider time)
{
    /// <summary>The most requests <see cref="Requests"/> keeps; older ones are dropped.</summary>
    public const int MaxRecordedRequests = 10_000;

    private readonly Lock _gate = new();
    private readonly List<SandboxFault> _faults = [];
    private readonly Queue<SandboxRequest> _requests = new();
    private int _pageSize = 100;

    public SandboxTenant Tenant { get; } = DemoTenant.Load(time.GetUtcNow());

    /// <summary>The demo people, for "chat as".</summary>
    public IReadOnlyList<DemoUser> Users => [.. Tenant.Users.Select(u => new DemoUser(u.UserPrincipalName, u.DisplayName, u.JobTitle, u.Department))];

    /// <summary>The most items a page of a paged collection holds ($top can lower it for a request).</summary>
    public int PageSize
    {
        get => Volatile.Read(ref _pageSize);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref _pageSize, value);
        }
    }

    public IReadOnlyList<SandboxFault> Faults
    {
        get
        {
            lock (_gate)
            {
                return [.. _faults];
            }
        }
    }

    /// <summary>Every request received (up to <see cref="MaxRecordedRequests"/>), oldest first, retries included.</summary>
    public IReadOnlyList<SandboxRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    internal TimeProvider Time => time;

    /// <summary>Adds a fault after the ones already injected; returns it, so its <see cref="SandboxFault.Fired"/> can be read later.</summary>
    public SandboxFault Inject(SandboxFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        fault.Validate();
        lock (_gate)
        {
            _faults.Add(fault);
        }

        return fault;
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    public void ClearRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    /// <summary>Records the request and picks the fault (if any) that applies to it, in one step.</summary>
    internal SandboxFault? Receive(string method, string path, string query)
    {
        lock (_gate)
        {
            _requests.Enqueue(new SandboxRequest(method, path, query, time.GetUtcNow()));
            while (_requests.Count > MaxRecordedRequests)
            {
                _requests.Dequeue();
            }

            return _faults.Find(f => f.TryFire(method, path));
        }
    }
}
