namespace TextClassification.Server.Errors;

/// <summary>Input bound from a request that may have been refused while binding; see <see cref="RejectionFilter"/>.</summary>
internal interface IRejectableInput
{
    Rejection? Rejection { get; }
}
