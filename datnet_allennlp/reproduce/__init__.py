"""The grid runner behind `allennlp reproduce`: experiments, execution on Ray, reports, t-SNE."""
