from datnet_allennlp.commands.reproduce import Reproduce
