namespace TextClassification.Server.Inference;

internal enum ModelStatus
{
    Loading,
    Ready,
    Failed,
}
