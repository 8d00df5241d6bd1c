namespace TextClassification.Server.Security;

/// <summary>Bound input that costs more than one rate-limit permit: a batch of texts costs one per text.</summary>
internal interface IPermitCost
{
    int Permits { get; }
}
