from datnet_allennlp.models.datnet import Datnet
